import { createHash } from 'node:crypto';
import {
  MANIFEST_MEMBER, MANIFEST_SUM_MEMBER, MARKER_MEMBER, memberProblems, parseManifest, parseMarker, type ArchiveManifest,
} from './manifest.js';
import { indexTar, type ByteSource, type TarEntry } from './tar-index.js';

export type Verified = { ok: true; manifest: ArchiveManifest; entries: Map<string, TarEntry> } | { ok: false; problems: string[] };

const READ_CHUNK = 4 << 20;
const SMALL_MEMBER_LIMIT = 16 << 20; // the marker and the manifest are a few KB

/**
 * Checks a lab image archive without changing anything: its tar structure (truncation, damaged
 * headers), the marker, the manifest against its checksum, and the sha256 of every member against
 * the manifest. `onBytes` gets the size of each chunk hashed (for progress).
 */
export async function verifyArchive(source: ByteSource, onBytes: (bytes: number) => void = () => undefined): Promise<Verified> {
  const index = await indexTar(source);
  if (index.problem) return { ok: false, problems: [index.problem] };
  const [first] = index.entries;
  if (first?.name !== MARKER_MEMBER) return { ok: false, problems: [`the first member is ${first?.name ?? '(none)'}, not ${MARKER_MEMBER}: not a k8s-flow-lab image archive`] };
  const marker = parseMarker((await readSmall(source, first)).toString('utf8'));
  if ('problem' in marker) return { ok: false, problems: [marker.problem] };

  const manifestEntry = index.entries.find((e) => e.name === MANIFEST_MEMBER);
  const sumEntry = index.entries.find((e) => e.name === MANIFEST_SUM_MEMBER);
  if (!manifestEntry || !sumEntry) {
    return { ok: false, problems: [`the archive has no ${manifestEntry ? MANIFEST_SUM_MEMBER : MANIFEST_MEMBER} (the save that made it did not finish)`] };
  }
  const manifest = parseManifest((await readSmall(source, manifestEntry)).toString('utf8'), (await readSmall(source, sumEntry)).toString('utf8'));
  if ('problem' in manifest) return { ok: false, problems: [manifest.problem] };

  const found: { name: string; size: number; sha256: string }[] = [];
  for (const entry of index.entries) {
    if (entry === manifestEntry || entry === sumEntry) continue;
    found.push({ name: entry.name, size: entry.size, sha256: await hashEntry(source, entry, onBytes) });
  }
  const problems = memberProblems(manifest, found);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, manifest, entries: new Map(index.entries.map((e) => [e.name, e])) };
}

/** The marker and the manifest; one claiming to be huge is read as empty, and then fails its check. */
async function readSmall(source: ByteSource, entry: TarEntry): Promise<Buffer> {
  return entry.size > SMALL_MEMBER_LIMIT ? Buffer.alloc(0) : source.read(entry.dataOffset, entry.size);
}

async function hashEntry(source: ByteSource, entry: TarEntry, onBytes: (n: number) => void): Promise<string> {
  const hash = createHash('sha256');
  for (let done = 0; done < entry.size; ) {
    const chunk = await source.read(entry.dataOffset + done, Math.min(READ_CHUNK, entry.size - done));
    if (chunk.length === 0) break; // indexTar checked the size; a file shrinking meanwhile shows as a checksum mismatch
    hash.update(chunk);
    done += chunk.length;
    onBytes(chunk.length);
  }
  return hash.digest('hex');
}
