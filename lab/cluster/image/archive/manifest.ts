import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * The lab's image archive (`lab image save`) is a plain tar file:
 *
 *   k8s-flow-lab/archive.json           marker: format and version (first, so `lab image load` knows it)
 *   k8s-flow-lab/images/<name>.tar[.gz]  one `docker save` per image
 *   k8s-flow-lab/tools/<tool>            kind, kubectl, ... for `lab up` on a machine without Go
 *   k8s-flow-lab/manifest.json           what is inside, with the size and sha256 of every member above
 *   k8s-flow-lab/manifest.json.sha256    the manifest's own sha256
 *
 * The manifest comes last because the checksums are known only once the images are written.
 */
export const ARCHIVE_FORMAT = 'k8s-flow-lab-image-archive';
export const ARCHIVE_VERSION = 1;
export const MEMBER_PREFIX = 'k8s-flow-lab/';
export const MARKER_MEMBER = `${MEMBER_PREFIX}archive.json`;
export const MANIFEST_MEMBER = `${MEMBER_PREFIX}manifest.json`;
export const MANIFEST_SUM_MEMBER = `${MANIFEST_MEMBER}.sha256`;

const markerSchema = z.object({ format: z.literal(ARCHIVE_FORMAT), version: z.number().int() });
export type ArchiveMarker = z.infer<typeof markerSchema>;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const memberSchema = z.object({ name: z.string().startsWith(MEMBER_PREFIX), size: z.number().int().nonnegative(), sha256: sha256Hex });

const imageSchema = z.object({
  name: z.string().min(1),
  /** Docker's image ID (sha256:...), checked again after `docker load`. */
  id: z.string().startsWith('sha256:'),
  /** node: the kind node image; workload: lab.local/* images the lab loads into the nodes; extra: --with-image. */
  role: z.enum(['node', 'workload', 'extra']),
  /** Docker's size of the image (uncompressed layers). */
  bytes: z.number().int().nonnegative(),
  member: z.string().startsWith(MEMBER_PREFIX),
});
export type ArchivedImage = z.infer<typeof imageSchema>;

const manifestSchema = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  version: z.literal(ARCHIVE_VERSION),
  labVersion: z.string(),
  createdAt: z.string(),
  compression: z.enum(['gzip', 'none']),
  nodeImage: z
    .object({
      name: z.string(),
      id: z.string(),
      /** The key of the inputs it was built from (its k8s-flow-lab.inputs label). */
      inputsKey: z.string().optional(),
      /** The key of the checkout's node-image sources (see node-image-sources.ts), machine independent. */
      sourceKey: z.string(),
      labels: z.record(z.string(), z.string()),
    })
    .optional(),
  images: z.array(imageSchema).min(1),
  tools: z.array(z.object({ name: z.string().regex(/^[a-z0-9-]+$/), member: z.string().startsWith(MEMBER_PREFIX) })),
  members: z.array(memberSchema),
});
export type ArchiveManifest = z.infer<typeof manifestSchema>;

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function markerText(): string {
  return JSON.stringify({ format: ARCHIVE_FORMAT, version: ARCHIVE_VERSION } satisfies ArchiveMarker) + '\n';
}

/** A member name for an image: readable, safe in a path, under tar's 100-byte limit. */
export function imageMemberName(index: number, image: string, compression: ArchiveManifest['compression']): string {
  const safe = image.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60);
  return `${MEMBER_PREFIX}images/${String(index + 1).padStart(2, '0')}-${safe}.tar${compression === 'gzip' ? '.gz' : ''}`;
}

export function toolMemberName(tool: string): string {
  return `${MEMBER_PREFIX}tools/${tool}`;
}

export function parseMarker(text: string): ArchiveMarker | { problem: string } {
  const parsed = markerSchema.safeParse(safeJson(text));
  if (!parsed.success) return { problem: `${MARKER_MEMBER} is not a k8s-flow-lab archive marker` };
  if (parsed.data.version !== ARCHIVE_VERSION) {
    return { problem: `the archive has format version ${parsed.data.version}; this lab reads version ${ARCHIVE_VERSION}` };
  }
  return parsed.data;
}

/** Checks the manifest against its own checksum, then its shape; returns it or what is wrong. */
export function parseManifest(text: string, sumText: string): ArchiveManifest | { problem: string } {
  const expected = sumText.trim().split(/\s+/)[0] ?? '';
  const actual = sha256(text);
  if (expected !== actual) return { problem: `${MANIFEST_MEMBER} is damaged: its sha256 is ${actual}, ${MANIFEST_SUM_MEMBER} says ${expected || '(nothing)'}` };
  const parsed = manifestSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { problem: `${MANIFEST_MEMBER} is not a valid manifest: ${first ? `${first.path.join('.') || '(top)'}: ${first.message}` : 'unknown shape'}` };
  }
  const listed = new Set(parsed.data.members.map((m) => m.name));
  const unlisted = [...parsed.data.images.map((i) => i.member), ...parsed.data.tools.map((t) => t.member)].filter((m) => !listed.has(m));
  if (unlisted.length > 0) return { problem: `${MANIFEST_MEMBER} refers to members it has no checksum for: ${unlisted.join(', ')}` };
  return parsed.data;
}

export function manifestText(manifest: ArchiveManifest): string {
  return JSON.stringify(manifest, null, 2) + '\n';
}

/**
 * Compares what the archive holds (names in order, sizes, sha256 of each member's bytes) with the
 * manifest. Every problem is listed, so one message says everything that is wrong.
 */
export function memberProblems(
  manifest: ArchiveManifest,
  found: { name: string; size: number; sha256: string }[],
): string[] {
  const problems: string[] = [];
  const byName = new Map(found.map((m) => [m.name, m]));
  for (const expected of manifest.members) {
    const actual = byName.get(expected.name);
    if (!actual) problems.push(`member ${expected.name} is missing`);
    else if (actual.size !== expected.size) problems.push(`member ${expected.name} has ${actual.size} bytes, the manifest says ${expected.size}`);
    else if (actual.sha256 !== expected.sha256) problems.push(`member ${expected.name} is damaged: sha256 ${actual.sha256}, the manifest says ${expected.sha256}`);
  }
  const listed = new Set(manifest.members.map((m) => m.name));
  for (const extra of found.filter((m) => !listed.has(m.name))) problems.push(`member ${extra.name} is not in the manifest`);
  return problems;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
