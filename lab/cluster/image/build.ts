import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BadInputError } from '../../base/errors.js';
import type { Progress } from '../../base/progress.js';
import { commandWorks, run } from '../exec.js';
import { cacheDir, KUBERNETES_VERSION, toolsBinDir } from '../paths.js';
import { AGNHOST_IMAGE } from '../workload-image.js';
import { AGNHOST_GROUP, buildGoGroup, GO_GROUPS, goModuleDir, goVersion } from './go-build.js';
import { InputHash, listFiles } from './hash.js';
import {
  commitOnto, imageExists, imageId, imageLabel, importImage, importRootfs, removeStage, requireDocker, saveImage, stage,
  type StagedFile,
} from './docker-images.js';
import { FILES_DIR, nodeImageSourceKey, readImportedNodeImage, SOURCES_LABEL, type ImportedNodeImage } from './node-image-sources.js';
import { ensureRootfsTar, NODE_ROOTFS, PROXY_ROOTFS } from './rootfs.js';
import { removeOtherWorkloadArchives, removeRetiredWorkloadArchives, workloadArchiveDir, workloadArchivePrefix, workloadArchivesPresent } from './workload-archives.js';

/**
 * `lab image build`: an offline kind node image for Kubernetes v1.34, made only from Go modules
 * and Debian packages, plus the lab's workload images.
 *
 *   Go modules ─ go build ─▶ kubeadm, kubelet, kubectl, control-plane binaries, etcd, CoreDNS,
 *                            kind, labnet, pause, runc-capfilter; agnhost (the workload image)
 *   Debian     ─ debootstrap ─▶ node rootfs (systemd, containerd, runc, CNI plugins, iptables)
 *   binaries ─▶ one-layer images under the exact names `kubeadm config images list` prints,
 *               saved as archives into /kind/images of the node image (imported at node boot)
 *   rootfs + binaries + scripts/node-image/files ─▶ the node image (docker commit)
 *
 * Every step is cached by the hash of its inputs; the node image carries the hash of all of them
 * as a label, so a second build with nothing changed only checks and returns.
 */

export const NODE_IMAGE = process.env.LAB_NODE_IMAGE ?? `lab.local/kind-node:${KUBERNETES_VERSION}`;
export const LABNET_IMAGE = 'lab.local/labnet:1.0';
/** The images pods of the lab run (loaded into the nodes by `lab up`), as opposed to the node's own. */
export const WORKLOAD_IMAGES = [AGNHOST_IMAGE];
/** The label `lab image build` puts on the node image: the key of the inputs it was built from. */
export const INPUTS_LABEL = 'k8s-flow-lab.inputs';

export interface BuildResult {
  nodeImage: string;
  inputsKey: string;
  rebuilt: boolean;
  workloadArchives: string[];
  durationMs: number;
}

export async function checkBuildPrerequisites(): Promise<void> {
  await requireDocker();
  if (!(await commandWorks('go', ['version']))) {
    throw new BadInputError('Go is not installed', 'install Go 1.24 or newer (`apt-get install golang-go` is too old on bookworm; use https://go.dev/dl/ or the CI script `.ci/run`)');
  }
  if (!(await commandWorks('debootstrap', ['--version']))) {
    throw new BadInputError('debootstrap is not installed', '`apt-get install debootstrap`');
  }
}

export async function buildNodeImage(progress: Progress, opts: { force?: boolean } = {}): Promise<BuildResult> {
  const started = Date.now();
  const imported = opts.force ? undefined : await importedImageUpToDate();
  if (imported) {
    // Loaded from a `lab image save` archive of the same sources: no Go, no debootstrap needed.
    progress.info(`node image ${NODE_IMAGE} is up to date (loaded from ${imported.archive}; --force rebuilds it from source)`);
    // The archive may hold older workload images than these sources name: with Go at hand, build them.
    const workloadArchives = (await commandWorks('go', ['version']))
      ? await progress.step(`workload image ${AGNHOST_IMAGE} (agnhost from k8s.io/kubernetes)`, async (update) => buildWorkloadImages(findBusybox(), await goVersion(), update))
      : workloadArchivesPresent();
    return { nodeImage: NODE_IMAGE, inputsKey: imported.inputsKey ?? imported.sourceKey, rebuilt: false, workloadArchives, durationMs: Date.now() - started };
  }
  await progress.step('checking prerequisites (docker, go, debootstrap)', () => checkBuildPrerequisites());
  const go = await goVersion();

  const bins: Record<string, string> = {};
  const inputs = new InputHash().add('kubernetes', KUBERNETES_VERSION).addTree('files', FILES_DIR);
  for (const group of GO_GROUPS) {
    const { dir, cached } = await progress.step(`Go binaries: ${group.name}`, (update) => buildGoGroup(group, go, update));
    if (cached) progress.info(`  cached: ${relative(cacheDir(), dir)}`);
    for (const name of readdirSync(dir).filter((n) => !n.startsWith('.'))) bins[name] = join(dir, name);
    inputs.add('go-group', dir);
  }
  installTools(bins);

  const nodeRootfs = await progress.step('Debian root filesystem for the nodes', (update) => ensureRootfsTar(NODE_ROOTFS, update));
  const proxyRootfs = await progress.step('Debian root filesystem for kube-proxy', (update) => ensureRootfsTar(PROXY_ROOTFS, update));
  inputs.add('rootfs', nodeRootfs.key + proxyRootfs.key);

  const busybox = findBusybox();
  const workloadArchives = await progress.step(`workload image ${AGNHOST_IMAGE} (agnhost from k8s.io/kubernetes)`, (update) => buildWorkloadImages(busybox, go, update));

  const inputsKey = inputs.key();
  if (!opts.force && (await imageLabel(NODE_IMAGE, INPUTS_LABEL)) === inputsKey) {
    progress.info(`node image ${NODE_IMAGE} is up to date (inputs ${inputsKey})`);
    return { nodeImage: NODE_IMAGE, inputsKey, rebuilt: false, workloadArchives, durationMs: Date.now() - started };
  }

  const nodeBase = `lab.local/node-base:${nodeRootfs.key}`;
  const proxyBase = `lab.local/kube-proxy-base:${proxyRootfs.key}`;
  await progress.step('base images', async () => {
    if (!(await imageExists(nodeBase))) await importRootfs(nodeRootfs.tar, nodeBase, []);
    if (!(await imageExists(proxyBase))) await importRootfs(proxyRootfs.tar, proxyBase, []);
  });

  const archiveDir = join(cacheDir(), 'images', inputsKey);
  const archives = await progress.step('component images (under the names kubeadm uses)', async (update) => {
    const names = await kubeadmImages(bins.kubeadm!);
    const built: string[] = [];
    for (const name of [...names, LABNET_IMAGE]) {
      update(name);
      const archive = join(archiveDir, `${name.replace(/[/:]/g, '_')}.tar`);
      if (!existsSync(archive)) {
        await buildComponentImage(name, bins, proxyBase);
        await saveImage(name, `${archive}.partial`);
        renameSync(`${archive}.partial`, archive);
      }
      built.push(archive);
    }
    return built;
  });

  await progress.step(`node image ${NODE_IMAGE}`, async () => {
    const files: StagedFile[] = [
      ...listFiles(FILES_DIR).map((from) => ({ path: '/' + relative(FILES_DIR, from), from })),
      { path: '/usr/bin/kubeadm', from: bins.kubeadm!, mode: 0o755 },
      { path: '/usr/bin/kubelet', from: bins.kubelet!, mode: 0o755 },
      { path: '/usr/bin/kubectl', from: bins.kubectl!, mode: 0o755 },
      { path: '/usr/local/bin/etcdctl', from: bins.etcdctl!, mode: 0o755 },
      { path: '/usr/local/bin/runc-capfilter', from: bins['runc-capfilter']!, mode: 0o755 },
      { path: '/kind/version', content: `${KUBERNETES_VERSION}\n` },
      { path: '/opt/cni/bin', symlink: '/usr/lib/cni' },
      { path: '/etc/systemd/system/multi-user.target.wants/containerd.service', symlink: '/etc/systemd/system/containerd.service' },
      { path: '/etc/systemd/system/multi-user.target.wants/lab-preload-images.service', symlink: '/etc/systemd/system/lab-preload-images.service' },
      ...archives.map((from) => ({ path: `/kind/images/${from.split('/').pop()}`, from })),
    ];
    const dir = stage(files);
    try {
      await commitOnto(nodeBase, dir, NODE_IMAGE, [
        'ENV container=docker',
        'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]',
        'CMD []',
        `LABEL ${INPUTS_LABEL}=${inputsKey}`,
        `LABEL ${SOURCES_LABEL}=${nodeImageSourceKey()}`,
      ], { stopSignal: 'SIGRTMIN+3' }); // systemd shuts down cleanly on SIGRTMIN+3
    } finally {
      removeStage(dir);
    }
  });
  return { nodeImage: NODE_IMAGE, inputsKey, rebuilt: true, workloadArchives, durationMs: Date.now() - started };
}

/** The images kubeadm will ask containerd for, as it prints them itself. */
async function kubeadmImages(kubeadm: string): Promise<string[]> {
  const { stdout } = await run(kubeadm, ['config', 'images', 'list', '--kubernetes-version', KUBERNETES_VERSION]);
  return stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}

const PATH_ENV = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Builds one image named exactly as kubeadm (or the labnet manifest) refers to it. */
async function buildComponentImage(name: string, bins: Record<string, string>, proxyBase: string): Promise<void> {
  const repository = name.slice(0, name.lastIndexOf(':')).split('/').pop()!;
  const binary = (bin: string, at = `/usr/local/bin/${bin}`): StagedFile => ({ path: at, from: bins[bin]!, mode: 0o755 });
  const tmp: StagedFile = { path: '/tmp/.keep', content: '' };
  let files: StagedFile[];
  let changes = [PATH_ENV];
  switch (repository) {
    case 'kube-apiserver':
    case 'kube-controller-manager':
    case 'kube-scheduler':
      files = [binary(repository), tmp];
      break;
    case 'etcd':
      files = [binary('etcd'), binary('etcdctl'), { path: '/var/lib/etcd/.keep', content: '' }, tmp];
      break;
    case 'coredns':
      files = [binary('coredns', '/coredns')];
      changes = [...changes, 'ENTRYPOINT ["/coredns"]'];
      break;
    case 'pause':
      files = [binary('pause', '/pause')];
      changes = [...changes, 'ENTRYPOINT ["/pause"]'];
      break;
    case 'labnet':
      files = [binary('labnet', '/labnet')];
      changes = [...changes, 'ENTRYPOINT ["/labnet"]'];
      break;
    case 'kube-proxy': {
      const dir = stage([binary('kube-proxy')]);
      try {
        await commitOnto(proxyBase, dir, name, [PATH_ENV, 'ENTRYPOINT []', 'CMD []']);
      } finally {
        removeStage(dir);
      }
      return;
    }
    default:
      throw new Error(`the node image build does not know how to make ${name}; add it to buildComponentImage`);
  }
  const dir = stage(files);
  try {
    await importImage(dir, name, changes);
  } finally {
    removeStage(dir);
  }
}

function findBusybox(): string {
  for (const path of ['/bin/busybox', '/usr/bin/busybox']) if (existsSync(path)) return path;
  throw new BadInputError('busybox is not installed (the workload image carries its shell and tools)', '`apt-get install busybox-static`');
}

/**
 * registry.k8s.io/e2e-test-images/agnhost:<VERSION>: upstream's test image, built here from the
 * k8s.io/kubernetes module (test/images/agnhost) so the offline lab runs the very image the online
 * one pulls. Its tag must be the VERSION file of the source it was built from. Debian's static
 * busybox gives it the shell and tools (sh, wget, sleep) the exercises and tests use in pods.
 */
async function buildWorkloadImages(busybox: string, go: string, update: (detail: string) => void): Promise<string[]> {
  const { dir, cached } = await buildGoGroup(AGNHOST_GROUP, go, update);
  if (!cached) update('agnhost built');
  const version = await agnhostSourceVersion();
  const tag = AGNHOST_IMAGE.slice(AGNHOST_IMAGE.lastIndexOf(':') + 1);
  if (version !== tag) {
    throw new Error(`test/images/agnhost/VERSION of k8s.io/kubernetes ${KUBERNETES_VERSION} says ${version}, but the lab names the image ${AGNHOST_IMAGE}; update AGNHOST_IMAGE in lab/cluster/workload-image.ts`);
  }
  const applets = ['sh', 'ls', 'cat', 'echo', 'sleep', 'wget', 'hostname', 'ps', 'kill', 'mkdir', 'env', 'nslookup', 'timeout', 'ping', 'ip'];
  const key = new InputHash().add('agnhost', dir).add('applets', applets.join(' ')).addTree('busybox-bin', busybox.replace(/\/busybox$/, ''), (p) => p === 'busybox').key();
  const archive = join(workloadArchiveDir(), `${workloadArchivePrefix(AGNHOST_IMAGE)}${key}.tar`);
  if (!existsSync(archive)) {
    const stageDir = stage([
      { path: '/agnhost', from: join(dir, 'agnhost'), mode: 0o755 },
      { path: '/bin/busybox', from: busybox, mode: 0o755 },
      ...applets.map((a) => ({ path: `/bin/${a}`, symlink: 'busybox' })),
      { path: '/tmp/.keep', content: '' },
    ]);
    try {
      // As upstream's image: agnhost is the entrypoint and `pause` its default subcommand.
      await importImage(stageDir, AGNHOST_IMAGE, ['ENV PATH=/bin:/', 'ENTRYPOINT ["/agnhost"]', 'CMD ["pause"]']);
    } finally {
      removeStage(stageDir);
    }
    await saveImage(AGNHOST_IMAGE, `${archive}.partial`);
    renameSync(`${archive}.partial`, archive);
    removeOtherWorkloadArchives(AGNHOST_IMAGE, archive);
  }
  removeRetiredWorkloadArchives();
  return [archive];
}

/** The VERSION file of test/images/agnhost in the k8s.io/kubernetes module the lab builds from. */
async function agnhostSourceVersion(): Promise<string> {
  const { stdout } = await run('go', ['list', '-m', '-f', '{{.Dir}}', 'k8s.io/kubernetes'], { cwd: goModuleDir(AGNHOST_GROUP) });
  return readFileSync(join(stdout.trim(), 'test', 'images', 'agnhost', 'VERSION'), 'utf8').trim();
}

/** kind and kubectl for the host, next to each other in the cache's bin directory. */
function installTools(bins: Record<string, string>): void {
  const dir = toolsBinDir();
  mkdirSync(dir, { recursive: true });
  for (const tool of ['kind', 'kubectl', 'kubeadm', 'etcdctl']) {
    const from = bins[tool];
    if (!from) continue;
    const to = join(dir, tool);
    rmSync(`${to}.new`, { force: true });
    copyFileSync(from, `${to}.new`);
    renameSync(`${to}.new`, to);
  }
}

/** The node image here is one `lab image load` loaded, unchanged since, from this checkout's sources. */
async function importedImageUpToDate(): Promise<ImportedNodeImage | undefined> {
  const record = readImportedNodeImage();
  if (!record || record.image !== NODE_IMAGE || record.sourceKey !== nodeImageSourceKey()) return undefined;
  return (await imageId(NODE_IMAGE)) === record.id ? record : undefined;
}
