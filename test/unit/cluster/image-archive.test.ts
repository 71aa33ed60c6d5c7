import { execa } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  imageMemberName, MANIFEST_MEMBER, MANIFEST_SUM_MEMBER, manifestText, MARKER_MEMBER, markerText, memberProblems, parseManifest, sha256,
  toolMemberName, type ArchiveManifest,
} from '../../../lab/cluster/image/archive/manifest.js';
import { BLOCK, decodeHeader, encodeHeader } from '../../../lab/cluster/image/archive/tar-format.js';
import { bufferSource, indexTar } from '../../../lab/cluster/image/archive/tar-index.js';
import { TarFileWriter, type WrittenMember } from '../../../lab/cluster/image/archive/tar-writer.js';
import { describeTransfer } from '../../../lab/cluster/image/archive/transfer-meter.js';
import { verifyArchive } from '../../../lab/cluster/image/archive/verify.js';
import { workloadArchivePrefix } from '../../../lab/cluster/image/workload-archives.js';
import { REPO_ROOT } from '../../../lab/cluster/paths.js';

/** A small lab archive like `lab image save` writes, with fake image bytes instead of `docker save`. */
async function writeArchive(opts: { withManifest?: boolean; extraMember?: boolean; markerVersion?: number } = {}): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'lab-archive-')), 'images.tar');
  const writer = await TarFileWriter.create(file);
  const marker = opts.markerVersion === undefined ? markerText() : JSON.stringify({ format: 'k8s-flow-lab-image-archive', version: opts.markerVersion });
  const members: WrittenMember[] = [await writer.addBuffer(MARKER_MEMBER, Buffer.from(marker))];
  const nodeBytes = Buffer.alloc(3000, 7); // not a multiple of 512: padding is exercised
  const webBytes = Buffer.from('web image '.repeat(100));
  // A stream in several chunks, as docker save's output arrives.
  members.push(await writer.addStream(imageMemberName(0, 'lab.local/kind-node:v1.34.4', 'none'), [nodeBytes.subarray(0, 1000), nodeBytes.subarray(1000)]));
  members.push(await writer.addBuffer(imageMemberName(1, 'lab.local/web:1.0', 'none'), webBytes));
  members.push(await writer.addBuffer(toolMemberName('kind'), Buffer.from('#!/bin/sh\n'), 0o755));
  if (opts.extraMember) await writer.addBuffer('k8s-flow-lab/images/99-sneaky.tar', Buffer.from('x'));
  if (opts.withManifest !== false) {
    const manifest: ArchiveManifest = {
      format: 'k8s-flow-lab-image-archive', version: 1, labVersion: '0.1.0', createdAt: '2025-01-01T00:00:00Z', compression: 'none',
      nodeImage: { name: 'lab.local/kind-node:v1.34.4', id: `sha256:${'a'.repeat(64)}`, inputsKey: '0123456789abcdef', sourceKey: 'fedcba9876543210', labels: {} },
      images: [
        { name: 'lab.local/kind-node:v1.34.4', id: `sha256:${'a'.repeat(64)}`, role: 'node', bytes: 3000, member: members[1]!.name },
        { name: 'lab.local/web:1.0', id: `sha256:${'b'.repeat(64)}`, role: 'workload', bytes: 1000, member: members[2]!.name },
      ],
      tools: [{ name: 'kind', member: toolMemberName('kind') }],
      members,
    };
    const text = manifestText(manifest);
    await writer.addBuffer(MANIFEST_MEMBER, Buffer.from(text));
    await writer.addBuffer(MANIFEST_SUM_MEMBER, Buffer.from(`${sha256(text)}  manifest.json\n`));
  }
  await writer.finish();
  return file;
}

const verifyBytes = (data: Buffer) => verifyArchive(bufferSource(data));
const problemsOf = async (data: Buffer) => {
  const result = await verifyBytes(data);
  return result.ok ? [] : result.problems;
};
/** The offset of a member's data, found by its name in the index. */
async function dataOffset(data: Buffer, name: string): Promise<number> {
  const entry = (await indexTar(bufferSource(data))).entries.find((e) => e.name === name);
  if (!entry) throw new Error(`no ${name}`);
  return entry.dataOffset;
}

function flipBits(data: Buffer, at: number, bits = 0xff): void {
  data.writeUInt8(data.readUInt8(at) ^ bits, at);
}

describe('tar headers', () => {
  it('round-trips name, size and type, and rejects a damaged checksum', () => {
    const header = encodeHeader('k8s-flow-lab/images/01-x.tar', 123_456_789, { mtimeSeconds: 0 });
    expect(header.length).toBe(BLOCK);
    expect(decodeHeader(header)).toEqual({ name: 'k8s-flow-lab/images/01-x.tar', size: 123_456_789, type: '0' });
    flipBits(header, 3, 0x01);
    expect(decodeHeader(header)).toEqual({ error: expect.stringContaining('checksum mismatch') });
  });

  it('encodes sizes of 8 GiB and more in base-256', () => {
    const size = 9 * 1024 ** 3;
    expect(decodeHeader(encodeHeader('big', size))).toMatchObject({ size });
  });

  it('refuses a name tar cannot hold', () => {
    expect(() => encodeHeader('x'.repeat(100), 1)).toThrow(/too long/);
  });

  it('writes archives GNU tar reads, and reads archives GNU tar writes', async () => {
    const file = await writeArchive();
    const listing = (await execa('tar', ['-tvf', file])).stdout;
    expect(listing).toContain(MARKER_MEMBER);
    expect(listing).toMatch(/-rwxr-xr-x .* 10 .*k8s-flow-lab\/tools\/kind/);
    expect((await execa('tar', ['-xOf', file, MANIFEST_MEMBER])).stdout).toContain('"labVersion": "0.1.0"');

    const dir = mkdtempSync(join(tmpdir(), 'lab-gnutar-'));
    writeFileSync(join(dir, 'a.txt'), 'hello');
    writeFileSync(join(dir, 'b.bin'), Buffer.alloc(1500, 1));
    await execa('tar', ['-C', dir, '-cf', join(dir, 'x.tar'), 'a.txt', 'b.bin']);
    const index = await indexTar(bufferSource(readFileSync(join(dir, 'x.tar'))));
    expect(index.problem).toBeUndefined();
    expect(index.entries.map((e) => [e.name, e.size])).toEqual([['a.txt', 5], ['b.bin', 1500]]);
  });
});

describe('verifyArchive', () => {
  it('accepts a complete archive and returns its manifest and members', async () => {
    const result = await verifyBytes(readFileSync(await writeArchive()));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.manifest.images.map((i) => i.name)).toEqual(['lab.local/kind-node:v1.34.4', 'lab.local/web:1.0']);
    expect(result.entries.get(result.manifest.images[0]!.member)?.size).toBe(3000);
  });

  it('a flipped byte in an image: that member is damaged, named with both checksums', async () => {
    const data = readFileSync(await writeArchive());
    flipBits(data, (await dataOffset(data, imageMemberName(0, 'lab.local/kind-node:v1.34.4', 'none'))) + 1500);
    const problems = await problemsOf(data);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/member k8s-flow-lab\/images\/01-lab\.local_kind-node_v1\.34\.4\.tar is damaged: sha256 [0-9a-f]{64}, the manifest says/);
  });

  it('a truncated file: says where it ends and which member is cut', async () => {
    const data = readFileSync(await writeArchive());
    const cut = (await dataOffset(data, imageMemberName(1, 'lab.local/web:1.0', 'none'))) + 10;
    expect((await problemsOf(data.subarray(0, cut)))[0]).toMatch(/member k8s-flow-lab\/images\/02-lab\.local_web_1\.0\.tar needs 1000 bytes .* the file ends at byte \d+ \(truncated\)/);
    expect((await problemsOf(data.subarray(0, data.length - 2 * BLOCK)))[0]).toMatch(/without the end-of-archive marker/);
    expect((await problemsOf(data.subarray(0, 700)))[0]).toMatch(/truncated/);
  });

  it('an archive whose save did not finish (no manifest) is refused', async () => {
    expect((await problemsOf(readFileSync(await writeArchive({ withManifest: false }))))[0]).toMatch(/has no k8s-flow-lab\/manifest\.json .*did not finish/);
  });

  it('a damaged manifest fails its own checksum', async () => {
    const data = readFileSync(await writeArchive());
    flipBits(data, (await dataOffset(data, MANIFEST_MEMBER)) + 20, 0x01);
    expect((await problemsOf(data))[0]).toMatch(/manifest\.json is damaged: its sha256 is/);
  });

  it('a damaged header is reported with its offset', async () => {
    const data = readFileSync(await writeArchive());
    const headerAt = (await dataOffset(data, toolMemberName('kind'))) - BLOCK;
    flipBits(data, headerAt + 130, 0x02); // inside the size field
    expect((await problemsOf(data))[0]).toMatch(new RegExp(`damaged header at byte ${headerAt}: header checksum mismatch`));
  });

  it('a member the manifest does not list is refused', async () => {
    expect(await problemsOf(readFileSync(await writeArchive({ extraMember: true })))).toEqual(['member k8s-flow-lab/images/99-sneaky.tar is not in the manifest']);
  });

  it('an archive of another format version says which versions differ', async () => {
    expect((await problemsOf(readFileSync(await writeArchive({ markerVersion: 2 }))))[0]).toBe('the archive has format version 2; this lab reads version 1');
  });

  it('a plain tar is not taken for a lab archive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-plain-'));
    writeFileSync(join(dir, 'manifest.json'), '[]');
    await execa('tar', ['-C', dir, '-cf', join(dir, 'x.tar'), 'manifest.json']);
    expect((await problemsOf(readFileSync(join(dir, 'x.tar'))))[0]).toMatch(/the first member is manifest\.json, not k8s-flow-lab\/archive\.json/);
  });
});

describe('manifest checks', () => {
  const member = (name: string, size: number, sum: string) => ({ name: `k8s-flow-lab/${name}`, size, sha256: sum.repeat(64) });
  const manifest = { members: [member('a', 1, 'a'), member('b', 2, 'b')] } as ArchiveManifest;

  it('lists every missing, resized, damaged and unlisted member at once', () => {
    expect(memberProblems(manifest, [member('a', 3, 'a'), member('c', 1, 'c')])).toEqual([
      'member k8s-flow-lab/a has 3 bytes, the manifest says 1',
      'member k8s-flow-lab/b is missing',
      'member k8s-flow-lab/c is not in the manifest',
    ]);
    expect(memberProblems(manifest, [member('a', 1, 'a'), member('b', 2, 'c')])).toEqual([expect.stringMatching(/k8s-flow-lab\/b is damaged/)]);
  });

  it('refuses a manifest that is not JSON of the right shape, even with a matching checksum', () => {
    const text = JSON.stringify({ format: 'k8s-flow-lab-image-archive', version: 1 });
    expect(parseManifest(text, sha256(text))).toEqual({ problem: expect.stringMatching(/is not a valid manifest: labVersion/) });
    expect(parseManifest('{', sha256('{'))).toEqual({ problem: expect.stringMatching(/is not a valid manifest/) });
  });
});

describe('small helpers', () => {
  it('describes a transfer with size, rate and time left', () => {
    expect(describeTransfer(400e6, 1.1e9, 4000)).toBe('400 MB of ~1.10 GB (36 %), 100 MB/s, ~7 s left');
    expect(describeTransfer(2e9, 1e9, 10_000)).toBe('2.00 GB of ~2.00 GB (100 %), 200 MB/s, ~0 s left');
    expect(describeTransfer(33e3, 441e6, 4000)).toBe('33 kB of ~441 MB (0 %), 8 kB/s');
  });

  it('names workload archives as the build does', () => {
    expect(workloadArchivePrefix('lab.local/web:1.0')).toBe('web-1.0-');
    expect(workloadArchivePrefix('localhost:5000/app')).toBe('app-latest-');
  });

  it('makes image member names that fit in a tar header', () => {
    expect(imageMemberName(0, 'lab.local/web:1.0', 'gzip')).toBe('k8s-flow-lab/images/01-lab.local_web_1.0.tar.gz');
    expect(Buffer.byteLength(imageMemberName(9, 'r/'.repeat(200), 'gzip'))).toBeLessThan(100);
  });
});

describe('lab image load on a file that is not a tar', { timeout: 60_000 }, () => {
  it('exits 2 before touching Docker, saying what the file is and how to get a good one', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'lab-notar-')), 'images.tar');
    writeFileSync(file, 'not a tar');
    const result = await execa(process.execPath, [join(REPO_ROOT, 'lab', 'bin', 'lab.mjs'), 'image', 'load', file], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('is not a tar archive (the file has 9 bytes, less than one tar header)');
    expect(result.stderr).toContain('fix: give a file made by `npx lab image save`');
  });
});
