import { chmodSync, createReadStream, createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BadInputError, LabError } from '../../../base/errors.js';
import type { Progress } from '../../../base/progress.js';
import { listNodeContainers, loadImageArchive } from '../../nodes.js';
import { toolsBinDir } from '../../paths.js';
import { NODE_IMAGE } from '../build.js';
import { imageId, requireDocker } from '../docker-images.js';
import { nodeImageSourceKey, recordImportedNodeImage } from '../node-image-sources.js';
import { removeOtherWorkloadArchives, workloadArchiveDir, workloadArchivePrefix } from '../workload-archives.js';
import { decompressed, dockerLoad } from './docker-stream.js';
import { MEMBER_PREFIX, type ArchiveManifest } from './manifest.js';
import { firstHeader, withFileSource, type TarEntry } from './tar-index.js';
import { TransferMeter } from './transfer-meter.js';
import { verifyArchive } from './verify.js';

export interface LoadResult {
  archive: string;
  /** lab: made by `lab image save`; docker-save: a plain `docker save` tar, loaded into the nodes only. */
  kind: 'lab' | 'docker-save';
  images: { name: string; id: string; role: string }[];
  /** Nodes of the running cluster the workload images were loaded into (none when no cluster is up). */
  nodes: string[];
  tools: string[];
  /** false when this checkout's node-image sources differ from the archive's (`lab image build` would rebuild). */
  nodeImageMatchesCheckout?: boolean;
  timings: { verifyMs: number; dockerLoadMs: number; nodesMs: number; totalMs: number };
}

/**
 * `lab image load FILE`: a lab archive is checked completely (structure, manifest, every
 * member's sha256) before anything goes into Docker; then its images are loaded, the workload
 * images kept for `lab up` and loaded into a running cluster, the tools installed, and the node
 * image recorded as loaded so `lab image build` needs no Go. A plain `docker save` tar is loaded
 * into every node, as before.
 */
export async function loadArchive(progress: Progress, file: string): Promise<LoadResult> {
  const started = Date.now();
  const archive = resolve(file);
  if (!existsSync(archive)) throw new BadInputError(`no such file: ${file}`, 'make one with `npx lab image save FILE` (or `docker save IMAGE -o FILE.tar`)');
  const head = await withFileSource(archive, firstHeader);
  if ('error' in head) {
    throw new BadInputError(`${file} is not a tar archive (${head.error})`, 'give a file made by `npx lab image save` or `docker save`; if it was copied from another machine, copy it again');
  }
  if (!head.name.startsWith(MEMBER_PREFIX)) return loadDockerSaveTar(progress, archive, started);

  await requireDocker();
  const verifyStart = Date.now();
  const { manifest, entries } = await progress.step(`checking ${file} (manifest and sha256 of every member)`, async (update) => {
    const verified = await withFileSource(archive, (source) => {
      const meter = new TransferMeter(source.size, update);
      return verifyArchive(source, (bytes) => meter.add(bytes));
    });
    if (!verified.ok) {
      throw new BadInputError(
        `${file} is damaged; nothing was loaded:\n  - ${verified.problems.join('\n  - ')}`,
        'copy it again from the machine that made it (`sha256sum FILE` must print the same on both), or make a new one there with `npx lab image save FILE`',
      );
    }
    return verified;
  });
  const verifyMs = Date.now() - verifyStart;

  const dockerStart = Date.now();
  for (const image of manifest.images) {
    await progress.step(`docker load ${image.name}`, async () => {
      await dockerLoad(memberStream(archive, entries.get(image.member)!));
      const id = await imageId(image.name);
      if (id !== image.id) throw new LabError(`after docker load, ${image.name} is ${id ?? 'missing'}, the archive says ${image.id}`, 'report this with the output of `docker images`; the archive itself checked out');
    });
  }
  const dockerLoadMs = Date.now() - dockerStart;

  const nodesStart = Date.now();
  const nodes = await keepWorkloadImages(progress, archive, manifest, entries);
  const nodesMs = Date.now() - nodesStart;
  await installTools(archive, manifest, entries);
  const nodeImageMatchesCheckout = recordNodeImage(progress, archive, manifest);
  return {
    archive, kind: 'lab',
    images: manifest.images.map(({ name, id, role }) => ({ name, id, role })),
    nodes, tools: manifest.tools.map((t) => t.name),
    ...(nodeImageMatchesCheckout === undefined ? {} : { nodeImageMatchesCheckout }),
    timings: { verifyMs, dockerLoadMs, nodesMs, totalMs: Date.now() - started },
  };
}

async function loadDockerSaveTar(progress: Progress, archive: string, started: number): Promise<LoadResult> {
  const nodes = (await listNodeContainers()).filter((n) => n.running).map((n) => n.name);
  if (nodes.length === 0) throw new BadInputError('no running lab cluster to load the image into', 'bring it up first: `npx lab up` (a `docker save` tar goes into the nodes; `docker load -i FILE` puts it into Docker)');
  const nodesStart = Date.now();
  await progress.step(`loading ${archive} into every node`, () => loadImageArchive(archive, nodes));
  return { archive, kind: 'docker-save', images: [], nodes, tools: [], timings: { verifyMs: 0, dockerLoadMs: 0, nodesMs: Date.now() - nodesStart, totalMs: Date.now() - started } };
}

function memberStream(archive: string, entry: TarEntry) {
  return createReadStream(archive, { start: entry.dataOffset, end: entry.dataOffset + entry.size - 1 });
}

/** Workload and extra images: kept as plain tars where `lab up` finds them, and loaded into a running cluster now. */
async function keepWorkloadImages(progress: Progress, archive: string, manifest: ArchiveManifest, entries: Map<string, TarEntry>): Promise<string[]> {
  const kept: string[] = [];
  for (const image of manifest.images.filter((i) => i.role !== 'node')) {
    const path = join(workloadArchiveDir(), `${workloadArchivePrefix(image.name)}${image.id.replace(/^sha256:/, '').slice(0, 16)}.tar`);
    mkdirSync(workloadArchiveDir(), { recursive: true });
    await pipeline(decompressed(memberStream(archive, entries.get(image.member)!), manifest.compression), createWriteStream(`${path}.partial`));
    renameSync(`${path}.partial`, path);
    removeOtherWorkloadArchives(image.name, path);
    kept.push(path);
  }
  const nodes = (await listNodeContainers()).filter((n) => n.running).map((n) => n.name);
  if (kept.length === 0) return [];
  if (nodes.length === 0) {
    progress.info('no lab cluster is running; `npx lab up` will load the workload images into the nodes');
    return [];
  }
  await progress.step(`loading ${kept.length} workload image(s) into ${nodes.length} node(s)`, async () => {
    for (const path of kept) await loadImageArchive(path, nodes);
  });
  return nodes;
}

async function installTools(archive: string, manifest: ArchiveManifest, entries: Map<string, TarEntry>): Promise<void> {
  if (manifest.tools.length === 0) return;
  mkdirSync(toolsBinDir(), { recursive: true });
  for (const tool of manifest.tools) {
    const to = join(toolsBinDir(), tool.name);
    // A running kind or kubectl keeps its old file: write aside, then rename over it.
    await pipeline(memberStream(archive, entries.get(tool.member)!), createWriteStream(`${to}.new`, { mode: 0o755 }));
    chmodSync(`${to}.new`, 0o755);
    renameSync(`${to}.new`, to);
  }
}

/** Remembers that the node image came from this archive, so `lab image build` says "up to date" without Go. */
function recordNodeImage(progress: Progress, archive: string, manifest: ArchiveManifest): boolean | undefined {
  const node = manifest.nodeImage;
  if (!node) return undefined;
  recordImportedNodeImage({ image: node.name, id: node.id, sourceKey: node.sourceKey, ...(node.inputsKey ? { inputsKey: node.inputsKey } : {}), archive, loadedAt: new Date().toISOString() });
  if (node.name !== NODE_IMAGE) progress.info(`the archive's node image is ${node.name}; this lab uses ${NODE_IMAGE} (set LAB_NODE_IMAGE=${node.name} to use it)`);
  const matches = node.sourceKey === nodeImageSourceKey();
  if (!matches) progress.info(`this checkout's node-image sources differ from the archive's: \`npx lab up\` uses the loaded image, \`npx lab image build\` would rebuild it`);
  return matches;
}
