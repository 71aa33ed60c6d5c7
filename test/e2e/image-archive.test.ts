import { execa } from 'execa';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFileSource, indexTar } from '../../lab/cluster/image/archive/tar-index.js';
import { NODE_IMAGE, WORKLOAD_IMAGES } from '../../lab/cluster/image/build.js';
import { listNodeContainers } from '../../lab/cluster/nodes.js';
import { lab } from './support.js';

/**
 * Issue 11: `lab image save` / `lab image load` with the real Docker. A small image made here
 * (not used by the cluster) shows that a damaged archive loads nothing; the full archive with the
 * ~1 GB node image is saved and loaded once, into a separate cache directory so this machine's
 * build cache, tools and workload archives are left alone.
 */
const TEST_IMAGE = `lab.local/archive-test:e2e-${process.pid}`;
const work = mkdtempSync(join(tmpdir(), 'lab-image-archive-'));
const imageId = async (name: string) => {
  const result = await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', name], { reject: false });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
};

async function flipByteOf(file: string, member: string): Promise<void> {
  const entry = await withFileSource(file, async (source) => (await indexTar(source)).entries.find((e) => e.name.includes(member)));
  if (!entry) throw new Error(`no member ${member} in ${file}`);
  const handle = await open(file, 'r+');
  try {
    const at = entry.dataOffset + Math.floor(entry.size / 2);
    const byte = Buffer.alloc(1);
    await handle.read(byte, 0, 1, at);
    byte.writeUInt8(byte.readUInt8(0) ^ 0xff);
    await handle.write(byte, 0, 1, at);
  } finally {
    await handle.close();
  }
}

async function imagesInNode(node: string): Promise<string> {
  return (await execa('docker', ['exec', node, 'ctr', '--namespace', 'k8s.io', 'images', 'ls', '-q'])).stdout;
}

describe('lab image save / load', () => {
  beforeAll(async () => {
    // A one-file image of our own: loading it is visible (it is absent before), and the cluster never uses it.
    const root = join(work, 'rootfs');
    mkdirSync(root);
    writeFileSync(join(root, 'hello.txt'), `archive test ${process.pid}\n`);
    await execa('sh', ['-c', `tar -C "${root}" -c . | docker import - ${TEST_IMAGE}`]);
  });
  afterAll(async () => {
    await execa('docker', ['rmi', '-f', TEST_IMAGE], { reject: false });
    for (const node of (await listNodeContainers()).filter((n) => n.running)) {
      await execa('docker', ['exec', node.name, 'ctr', '--namespace', 'k8s.io', 'images', 'rm', TEST_IMAGE], { reject: false });
    }
    rmSync(work, { recursive: true, force: true });
  });

  it('a damaged copy is refused with exit 2 and loads nothing; the good archive loads into Docker and the nodes', async () => {
    const archive = join(work, 'workloads.tar');
    const save = await lab(['image', 'save', archive, '--only-workloads', '--with-image', TEST_IMAGE, '--output', 'json']);
    expect(save.stderr).not.toContain('error:');
    expect(save.exitCode).toBe(0);
    const saved = JSON.parse(save.stdout);
    expect(saved.images.map((i: { name: string }) => i.name)).toEqual([...WORKLOAD_IMAGES, TEST_IMAGE]);
    expect(saved.tools).toEqual([]);
    expect(existsSync(`${archive}.partial`)).toBe(false);
    const listing = (await execa('tar', ['-tf', archive])).stdout.split('\n');
    expect(listing[0]).toBe('k8s-flow-lab/archive.json');
    expect(listing.slice(-2)).toEqual(['k8s-flow-lab/manifest.json', 'k8s-flow-lab/manifest.json.sha256']);

    const testImageId = saved.images[1].id as string;
    expect(await imageId(TEST_IMAGE)).toBe(testImageId);
    await execa('docker', ['rmi', TEST_IMAGE]); // as on a machine that never had it

    const cache = join(work, 'cache');
    const flipped = join(work, 'flipped.tar');
    copyFileSync(archive, flipped);
    await flipByteOf(flipped, 'archive-test');
    const damaged = await lab(['image', 'load', flipped], { env: { LAB_CACHE_DIR: cache } });
    expect(damaged.exitCode).toBe(2);
    expect(damaged.stderr).toMatch(/flipped\.tar is damaged; nothing was loaded:\n {2}- member k8s-flow-lab\/images\/02-lab\.local_archive-test_e2e-\d+\.tar is damaged: sha256/);
    expect(damaged.stderr).toContain('fix: copy it again from the machine that made it');

    const truncated = join(work, 'truncated.tar');
    copyFileSync(archive, truncated);
    truncateSync(truncated, Math.floor(statSync(archive).size / 2));
    const cut = await lab(['image', 'load', truncated], { env: { LAB_CACHE_DIR: cache } });
    expect(cut.exitCode).toBe(2);
    expect(cut.stderr).toMatch(/truncated/);
    expect(await imageId(TEST_IMAGE)).toBeUndefined(); // Docker is as it was
    expect(existsSync(cache)).toBe(false);

    const load = await lab(['image', 'load', archive, '--output', 'json'], { env: { LAB_CACHE_DIR: cache } });
    expect(load.stderr).not.toContain('error:');
    expect(load.exitCode).toBe(0);
    const loaded = JSON.parse(load.stdout);
    expect(loaded.kind).toBe('lab');
    expect(await imageId(TEST_IMAGE)).toBe(testImageId);
    // Kept where `lab up` loads workload images from, and loaded into the running cluster now.
    expect(readdirSync(join(cache, 'images', 'workloads')).sort()).toEqual([
      expect.stringMatching(/^agnhost-2\.56-[0-9a-f]{16}\.tar$/), expect.stringMatching(/^archive-test-e2e-\d+-[0-9a-f]{16}\.tar$/),
    ]);
    const nodes = (await listNodeContainers()).filter((n) => n.running).map((n) => n.name);
    expect(loaded.nodes).toEqual(nodes);
    for (const node of nodes) expect(await imagesInNode(node)).toContain(TEST_IMAGE);
    process.stderr.write(`[image-archive] workloads archive: check ${loaded.timings.verifyMs} ms, docker load ${loaded.timings.dockerLoadMs} ms, nodes ${loaded.timings.nodesMs} ms\n`);
  });

  it('a plain `docker save` tar still goes into every node', async () => {
    const plain = join(work, 'plain.tar');
    await execa('docker', ['save', '-o', plain, TEST_IMAGE]);
    const load = await lab(['image', 'load', plain, '--output', 'json']);
    expect(load.exitCode).toBe(0);
    expect(JSON.parse(load.stdout)).toMatchObject({ kind: 'docker-save', images: [] });
  });

  it('the full archive (node image, kind, kubectl) loads where there is no Go, and `lab image build` is then up to date', async () => {
    const archive = join(work, 'full.tar');
    const save = await lab(['image', 'save', archive, '--output', 'json']);
    expect(save.exitCode).toBe(0);
    const saved = JSON.parse(save.stdout);
    expect(saved.images[0]).toMatchObject({ name: NODE_IMAGE, role: 'node', id: await imageId(NODE_IMAGE) });
    expect(saved.tools).toEqual(['kind', 'kubectl']);
    process.stderr.write(`[image-archive] full archive: ${saved.bytes} bytes in ${saved.durationMs} ms\n`);

    // The importing machine: its own cache, and no Go on PATH.
    const cache = join(work, 'cache-full');
    const pathWithoutGo = (process.env.PATH ?? '').split(delimiter).filter((dir) => !existsSync(join(dir, 'go'))).join(delimiter);
    const env = { LAB_CACHE_DIR: cache, PATH: pathWithoutGo };
    const load = await lab(['image', 'load', archive, '--output', 'json'], { env });
    expect(load.stderr).not.toContain('error:');
    expect(load.exitCode).toBe(0);
    const loaded = JSON.parse(load.stdout);
    expect(loaded.nodeImageMatchesCheckout).toBe(true);
    process.stderr.write(`[image-archive] full archive load: check ${loaded.timings.verifyMs} ms, docker load ${loaded.timings.dockerLoadMs} ms, nodes ${loaded.timings.nodesMs} ms\n`);
    expect((await execa(join(cache, 'bin', 'kind'), ['version'])).stdout).toContain('v0.30.0');

    const build = await lab(['image', 'build', '--output', 'json'], { env, timeoutMs: 120_000 });
    expect(build.stderr).not.toContain('Go binaries');
    expect(build.exitCode).toBe(0);
    expect(JSON.parse(build.stdout)).toMatchObject({ nodeImage: NODE_IMAGE, rebuilt: false });
  });
});
