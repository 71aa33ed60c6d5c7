import { createReadStream, existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BadInputError } from '../../../base/errors.js';
import type { Progress } from '../../../base/progress.js';
import { REPO_ROOT, toolsBinDir } from '../../paths.js';
import { INPUTS_LABEL, NODE_IMAGE, WORKLOAD_IMAGES } from '../build.js';
import { inspectImage, requireDocker } from '../docker-images.js';
import { nodeImageSourceKey, SOURCES_LABEL } from '../node-image-sources.js';
import { dockerSave } from './docker-stream.js';
import {
  imageMemberName, MANIFEST_MEMBER, MANIFEST_SUM_MEMBER, manifestText, MARKER_MEMBER, markerText, sha256, toolMemberName,
  type ArchivedImage, type ArchiveManifest,
} from './manifest.js';
import { TarFileWriter, type WrittenMember } from './tar-writer.js';
import { formatBytes, TransferMeter } from './transfer-meter.js';

/** What `lab up` needs on the host besides the images: kind creates the cluster, kubectl talks to it. */
export const ARCHIVED_TOOLS = ['kind', 'kubectl'];

export interface SaveOptions {
  /** Leave out the node image and the tools (for machines that already have them). */
  onlyWorkloads?: boolean;
  /** More images to carry (your own exercise images); loaded into Docker and the nodes like the workloads. */
  withImages?: string[];
  compression?: ArchiveManifest['compression'];
}

export interface SaveResult {
  archive: string;
  bytes: number;
  compression: ArchiveManifest['compression'];
  images: (ArchivedImage & { archivedBytes: number })[];
  tools: string[];
  durationMs: number;
}

/**
 * `lab image save FILE`: the node image, the workload images and the host tools in one tar, with a
 * manifest of checksums. It is written to FILE.partial and renamed at the end, so an interrupted
 * save never leaves a half-written FILE.
 */
export async function saveImageArchive(progress: Progress, file: string, opts: SaveOptions = {}): Promise<SaveResult> {
  const started = Date.now();
  const target = resolve(file);
  checkTarget(target);
  await requireDocker();
  const compression = opts.compression ?? 'none';
  const plan = await progress.step('checking the images to save', () => planImages(progress, opts));
  const tools = opts.onlyWorkloads ? [] : ARCHIVED_TOOLS.filter((tool) => existsSync(join(toolsBinDir(), tool)));

  const partial = `${target}.partial`;
  const writer = await TarFileWriter.create(partial);
  const onSignal = () => {
    rmSync(partial, { force: true });
    process.exit(130);
  };
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const members: WrittenMember[] = [await writer.addBuffer(MARKER_MEMBER, Buffer.from(markerText()))];
    const images: SaveResult['images'] = [];
    const estimate = plan.images.reduce((sum, image) => sum + image.facts.bytes, 0);
    await progress.step(`saving ${plan.images.length} image(s), ~${formatBytes(estimate)} (${compression === 'gzip' ? 'gzip level 1' : 'uncompressed'})`, async (update) => {
      const meter = new TransferMeter(estimate, update);
      for (const [index, { name, role, facts }] of plan.images.entries()) {
        update(`docker save ${name}`);
        const member = await writer.addStream(imageMemberName(index, name, compression), dockerSave(name, compression, (n) => meter.add(n)));
        members.push(member);
        images.push({ name, id: facts.id, role, bytes: facts.bytes, member: member.name, archivedBytes: member.size });
      }
    });
    for (const tool of tools) members.push(await writer.addStream(toolMemberName(tool), createReadStream(join(toolsBinDir(), tool)), 0o755));

    const manifest: ArchiveManifest = {
      format: 'k8s-flow-lab-image-archive', version: 1, labVersion: labVersion(), createdAt: new Date().toISOString(), compression,
      ...(plan.nodeImage ? { nodeImage: plan.nodeImage } : {}),
      images: images.map(({ archivedBytes: _, ...image }) => image),
      tools: tools.map((name) => ({ name, member: toolMemberName(name) })),
      members,
    };
    const text = manifestText(manifest);
    await writer.addBuffer(MANIFEST_MEMBER, Buffer.from(text));
    await writer.addBuffer(MANIFEST_SUM_MEMBER, Buffer.from(`${sha256(text)}  manifest.json\n`));
    const bytes = await writer.finish();
    renameSync(partial, target);
    return { archive: target, bytes, compression, images, tools, durationMs: Date.now() - started };
  } catch (error) {
    await writer.abort();
    rmSync(partial, { force: true });
    throw error;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

function checkTarget(target: string): void {
  if (!existsSync(dirname(target))) throw new BadInputError(`the directory ${dirname(target)} does not exist`, `create it (\`mkdir -p ${dirname(target)}\`) or save somewhere else`);
  if (existsSync(target) && statSync(target).isDirectory()) throw new BadInputError(`${target} is a directory`, 'give a file name, e.g. `npx lab image save lab-images.tar`');
}

interface PlannedImage {
  name: string;
  role: ArchivedImage['role'];
  facts: NonNullable<Awaited<ReturnType<typeof inspectImage>>>;
}

async function planImages(progress: Progress, opts: SaveOptions): Promise<{ images: PlannedImage[]; nodeImage?: ArchiveManifest['nodeImage'] }> {
  const wanted: { name: string; role: ArchivedImage['role'] }[] = [
    ...(opts.onlyWorkloads ? [] : [{ name: NODE_IMAGE, role: 'node' as const }]),
    ...WORKLOAD_IMAGES.map((name) => ({ name, role: 'workload' as const })),
    ...(opts.withImages ?? []).map((name) => ({ name, role: 'extra' as const })),
  ];
  const images: PlannedImage[] = [];
  for (const { name, role } of wanted) {
    if (images.some((i) => i.name === name)) continue;
    const facts = await inspectImage(name);
    if (!facts) {
      throw new BadInputError(
        `image ${name} is not on this machine`,
        role === 'extra' ? 'check the name with `docker images`, or build or pull it first' : `build it first: \`npx lab image build\`${role === 'node' ? ' (or leave the node image out: --only-workloads)' : ''}`,
      );
    }
    images.push({ name, role, facts });
  }
  const node = images.find((i) => i.role === 'node');
  if (!node) return { images };
  let sourceKey = node.facts.labels[SOURCES_LABEL];
  if (!sourceKey) {
    // Built before images carried their sources: it was built from this checkout (`lab image build` here).
    sourceKey = nodeImageSourceKey();
    progress.info(`${NODE_IMAGE} has no ${SOURCES_LABEL} label; recording this checkout's node-image sources (${sourceKey})`);
  }
  const inputsKey = node.facts.labels[INPUTS_LABEL];
  return { images, nodeImage: { name: node.name, id: node.facts.id, ...(inputsKey ? { inputsKey } : {}), sourceKey, labels: node.facts.labels } };
}

function labVersion(): string {
  return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
