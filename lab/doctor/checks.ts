/**
 * The doctor's checks, in the order they run: what the host needs, what building the node image
 * needs, what `lab up` built, and how the cluster is doing. Each returns a result, or `skipped`
 * when what it looks at cannot exist yet (no Docker engine, no cluster).
 */
import { boundingSetOf, missingCapabilities } from './capabilities.js';
import type { DoctorContext } from './context.js';
import { atLeast, formatVersion, parseGoVersion, parseSemver, type Version } from './versions.js';
import type { CheckResult } from './types.js';

export type CheckOutcome = CheckResult | { name: string; skipped: string };

export interface Check {
  name: string;
  run(ctx: DoctorContext): Promise<CheckOutcome>;
}

export const MIN_NODE: Version = [22, 19, 0];
export const MIN_GO: Version = [1, 24, 0];
export const LOW_DISK_BYTES = 20 * 1024 ** 3;
const SETUP_DOCKER = '`sudo bash scripts/setup-docker.sh` (installs and starts dockerd, with the capability filter where needed)';

const pass = (name: string, detail: string): CheckResult => ({ name, ok: true, detail });
const warn = (name: string, detail: string, fix: string): CheckResult => ({ name, ok: 'warn', detail, fix });
const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, ok: false, detail, fix });
const skip = (name: string, reason: string): CheckOutcome => ({ name, skipped: reason });

function check(name: string, run: (ctx: DoctorContext, name: string) => Promise<CheckOutcome> | CheckOutcome): Check {
  return { name, run: async (ctx) => run(ctx, name) };
}

export const nodeCheck = check('Node.js >= 22.19', (ctx, name) => {
  const text = ctx.probes.nodeVersion();
  const version = parseSemver(text);
  if (version && atLeast(version, MIN_NODE)) return pass(name, `Node ${text}`);
  return fail(name, `Node ${text}`, 'run the lab through npm, `npx lab ...` or `npm run lab -- ...`, so the project\'s own Node 22 runs');
});

export const dockerCliCheck = check('docker CLI', async (ctx, name) => {
  const version = await ctx.dockerCli();
  if (version) return pass(name, version);
  return fail(name, 'no working `docker` on PATH', `install Docker: ${SETUP_DOCKER} or https://docs.docker.com/engine/install/`);
});

export const dockerEngineCheck = check('Docker engine answers', async (ctx, name) => {
  if (!(await ctx.dockerCli())) return skip(name, 'no docker CLI');
  const engine = await ctx.dockerEngine();
  if (engine.answering) return pass(name, `server ${engine.info.ServerVersion}, default runtime ${engine.info.DefaultRuntime ?? 'unknown'}`);
  return fail(name, engine.reason, `start a Docker engine: ${SETUP_DOCKER}; if it runs, add yourself to the docker group`);
});

export const capabilitiesCheck = check('capabilities for privileged containers', async (ctx, name) => {
  const status = await ctx.probes.readFile('/proc/self/status');
  const bounding = status === undefined ? undefined : boundingSetOf(status);
  if (bounding === undefined) return warn(name, 'cannot read CapBnd from /proc/self/status', 'if `npx lab up` fails in runc, run ' + SETUP_DOCKER);
  const lastCapText = await ctx.probes.readFile('/proc/sys/kernel/cap_last_cap');
  const lastCap = lastCapText === undefined ? undefined : Number.parseInt(lastCapText.trim(), 10);
  const missing = missingCapabilities(bounding, Number.isFinite(lastCap) ? lastCap : undefined);
  if (missing.length === 0) return pass(name, 'the capability bounding set is complete');
  const engine = await ctx.dockerEngine();
  const lacks = `the bounding set lacks ${missing.join(', ')}`;
  if (!engine.answering) return warn(name, `${lacks}; cannot ask dockerd which runtime it uses`, `start dockerd with runc-capfilter as its default runtime: ${SETUP_DOCKER}`);
  const runtime = engine.info.DefaultRuntime ?? '';
  const configured = runtime === 'runc-capfilter' && engine.info.Runtimes?.[runtime] !== undefined;
  if (configured) return pass(name, `${lacks}; dockerd's default runtime is runc-capfilter, which drops them`);
  return fail(name, `${lacks} and dockerd's default runtime is ${runtime || 'unknown'}: privileged containers (kind nodes) will not start`, `make runc-capfilter dockerd's default runtime: ${SETUP_DOCKER}`);
});

export const cgroupCheck = check('cgroup version', async (ctx, name) => {
  const engine = await ctx.dockerEngine();
  const fromDocker = engine.answering ? engine.info.CgroupVersion : undefined;
  const version = fromDocker ?? (ctx.probes.exists('/sys/fs/cgroup/cgroup.controllers') ? '2' : '1');
  const driver = engine.answering && engine.info.CgroupDriver ? `, driver ${engine.info.CgroupDriver}` : '';
  if (version === '2') return pass(name, `cgroup v2${driver}`);
  return warn(name, `cgroup v${version}${driver}`, 'Kubernetes 1.34 still runs on cgroup v1 but it is deprecated; boot the host with cgroup v2 (systemd.unified_cgroup_hierarchy=1)');
});

/** Build tools are needed only to build the node image offline: missing ones fail only while there is none. */
async function buildToolMissing(ctx: DoctorContext, name: string, detail: string, fix: string): Promise<CheckResult> {
  const plan = await ctx.imagePlan();
  if (plan.mode === 'online') return warn(name, `${detail} (not needed online: the node image and agnhost come from their registries)`, `only for the offline build: ${fix}`);
  const image = await ctx.nodeImage();
  if (image?.present) return warn(name, `${detail} (only needed to rebuild the node image, which exists)`, fix);
  return fail(name, `${detail}; needed by \`npx lab image build\``, fix);
}

export const goCheck = check('Go >= 1.24 (to build the image)', async (ctx, name) => {
  const fix = 'install Go 1.24 or newer from https://go.dev/dl/ (Debian bookworm\'s golang-go is too old)';
  const out = await ctx.probes.run('go', ['version']);
  if (!out || out.exitCode !== 0) return buildToolMissing(ctx, name, 'Go is not installed', fix);
  const version = parseGoVersion(out.stdout);
  if (version && atLeast(version, MIN_GO)) return pass(name, `Go ${formatVersion(version)}`);
  return buildToolMissing(ctx, name, `Go ${version ? formatVersion(version) : `unknown (${out.stdout.trim()})`} is older than 1.24`, fix);
});

export const debootstrapCheck = check('debootstrap (to build the image)', async (ctx, name) => {
  const out = await ctx.probes.run('debootstrap', ['--version']);
  if (out && out.exitCode === 0) return pass(name, out.stdout.trim() || 'installed');
  return buildToolMissing(ctx, name, 'debootstrap is not installed', '`sudo apt-get install debootstrap`');
});

export const BUSYBOX_PATHS = ['/bin/busybox', '/usr/bin/busybox'];

export const busyboxCheck = check('busybox (to build the image)', async (ctx, name) => {
  const found = BUSYBOX_PATHS.find((path) => ctx.probes.exists(path));
  if (found) return pass(name, found);
  return buildToolMissing(ctx, name, `no busybox at ${BUSYBOX_PATHS.join(' or ')}`, '`sudo apt-get install busybox-static`');
});

export const imagesCheck = check('images: online or offline', async (ctx, name) => {
  const plan = await ctx.imagePlan();
  const what = plan.mode === 'online'
    ? `kind pulls ${plan.nodeImage}, the nodes pull ${plan.workload.image}`
    : `node image ${plan.nodeImage} and ${plan.workload.image}, built here (\`npx lab image build\`) or loaded (\`npx lab image load FILE\`)`;
  return pass(name, `${plan.mode}: ${plan.reason}; ${what}`);
});

export const kindCheck = check('kind', async (ctx, name) => {
  const out = await ctx.probes.run(ctx.settings.kindPath, ['version']);
  if (out && out.exitCode === 0) return pass(name, `${out.stdout.trim()} (${ctx.settings.kindPath})`);
  const plan = await ctx.imagePlan();
  if (plan.mode === 'online') return warn(name, `no working kind at ${ctx.settings.kindPath}`, '`npx lab up` downloads kind v0.30.0 (checked against its published SHA-256), or install it on PATH');
  return fail(name, `no working kind at ${ctx.settings.kindPath}`, '`npx lab image build` (it builds kind v0.30.0 from Go modules)');
});

export const nodeImageCheck = check('node image', async (ctx, name) => {
  const plan = await ctx.imagePlan();
  if (!plan.nodeImageIsOurs) return pass(name, `${plan.nodeImage} (kind pulls it if Docker does not have it)`);
  const image = await ctx.nodeImage();
  if (!image) return skip(name, 'the Docker engine does not answer');
  const tag = ctx.settings.nodeImage;
  if (!image.present) return fail(name, `${tag} is not in Docker`, '`npx lab image build` (offline, cached; the first build takes a while)');
  if (!image.inputs) return warn(name, `${tag} has no inputs label: not built by \`lab image build\``, 'fine for a stock image; `npx lab image build` makes the lab\'s own');
  return pass(name, `${tag} (inputs ${image.inputs})`);
});

export const workloadImageCheck = check('workload image', async (ctx, name) => {
  if (!(await ctx.dockerEngine()).answering) return skip(name, 'the Docker engine does not answer');
  const plan = await ctx.imagePlan();
  const image = plan.workload.image;
  if (plan.mode === 'online') return pass(name, `${image}: the nodes pull it when a pod first needs it`);
  const out = await ctx.probes.run('docker', ['image', 'inspect', '--format', '{{.Id}}', image]);
  if (out && out.exitCode === 0) return pass(name, `${image} (${out.stdout.trim().slice(0, 19)}), loaded into the nodes by \`npx lab up\``);
  return fail(name, `${image} is not in Docker, and no registry can serve it`, '`npx lab image build` (agnhost from the k8s.io/kubernetes module), `npx lab image load FILE`, or a classroom registry: `npx lab registry up` on the machine that has it');
});

export const clusterExistsCheck = check('cluster exists', async (ctx, name) => {
  const health = await ctx.cluster();
  if (!health) return skip(name, 'the Docker engine does not answer');
  if (!health.exists) return warn(name, `no cluster "${ctx.settings.clusterName}" yet`, '`npx lab up`');
  return pass(name, `cluster "${ctx.settings.clusterName}" with ${health.containers.length} node containers`);
});

export const containersRunningCheck = check('node containers running', async (ctx, name) => {
  const health = await ctx.cluster();
  if (!health?.exists) return skip(name, 'no cluster');
  const stopped = health.containers.filter((c) => !c.running).map((c) => c.name);
  if (stopped.length === 0) return pass(name, health.containers.map((c) => c.name).join(', '));
  return fail(name, `not running: ${stopped.join(', ')}`, `\`docker start ${stopped.join(' ')}\`, or start over with \`npx lab up --recreate\``);
});

export const apiServerCheck = check('API server /readyz', async (ctx, name) => {
  const health = await ctx.cluster();
  if (!health?.exists) return skip(name, 'no cluster');
  if (health.apiServer) return pass(name, 'ready');
  const problem = health.problems.find((p) => p.startsWith('the API server')) ?? 'the API server does not answer';
  return fail(name, problem, '`npx lab status` for details; `npx lab up --recreate` to start over');
});

export const nodesReadyCheck = check('nodes Ready', async (ctx, name) => {
  const health = await ctx.cluster();
  if (!health?.exists) return skip(name, 'no cluster');
  if (!health.apiServer) return skip(name, 'the API server does not answer');
  const notReady = health.nodes.filter((n) => n.ready !== true).map((n) => n.name);
  if (notReady.length === 0) return pass(name, `${health.nodes.length} nodes Ready`);
  return fail(name, `not Ready: ${notReady.join(', ')}`, 'wait a minute after `npx lab up`; then `npx lab node exec <node> -- journalctl -u kubelet -n 50`');
});

export const builtinControllersCheck = check('built-in deployment/replicaset controllers', async (ctx, name) => {
  const health = await ctx.cluster();
  if (!health?.exists) return skip(name, 'no cluster');
  if (!health.containers.some((c) => c.role === 'control-plane' && c.running)) return skip(name, 'the control-plane node is not running');
  try {
    const state = await ctx.probes.builtinControllers();
    if (state.deploymentController && state.replicasetController) return pass(name, 'on: kube-controller-manager reconciles Deployments');
    if (!state.deploymentController && !state.replicasetController) return pass(name, 'off: `npx lab run` reconciles Deployments');
    return warn(
      name,
      `mixed: deployment-controller ${state.deploymentController ? 'on' : 'off'}, replicaset-controller ${state.replicasetController ? 'on' : 'off'} (--controllers=${state.controllersFlag})`,
      '`npx lab controllers builtin off` (for the lab) or `npx lab controllers builtin on` (stock Kubernetes)',
    );
  } catch (error) {
    return fail(name, `cannot read kube-controller-manager's manifest: ${(error as Error).message}`, '`npx lab status`; `npx lab up --recreate` to start over');
  }
});

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

function diskCheck(title: string, pathOf: (ctx: DoctorContext) => Promise<string>): Check {
  return check(title, async (ctx, name) => {
    const path = await pathOf(ctx);
    const free = await ctx.probes.freeBytes(path);
    if (free === undefined) return warn(name, `cannot tell the free space under ${path}`, `check with \`df -h ${path}\`; the lab needs about 20 GiB`);
    if (free < LOW_DISK_BYTES) return warn(name, `${gib(free)} free under ${path}`, 'free some space (at least 20 GiB): `docker system prune`, or move the cache with LAB_CACHE_DIR');
    return pass(name, `${gib(free)} free under ${path}`);
  });
}

export const cacheDiskCheck = diskCheck('disk space: build cache', async (ctx) => ctx.settings.cacheDir);
export const dockerDiskCheck = diskCheck('disk space: Docker', async (ctx) => {
  const engine = await ctx.dockerEngine();
  return (engine.answering && engine.info.DockerRootDir) || ctx.settings.dockerRootDir;
});

/** Every check, in the order `lab doctor` runs and prints them. */
export const CHECKS: readonly Check[] = [
  nodeCheck, dockerCliCheck, dockerEngineCheck, capabilitiesCheck, cgroupCheck,
  goCheck, debootstrapCheck, busyboxCheck,
  imagesCheck, kindCheck, nodeImageCheck, workloadImageCheck,
  clusterExistsCheck, containersRunningCheck, apiServerCheck, nodesReadyCheck, builtinControllersCheck,
  cacheDiskCheck, dockerDiskCheck,
];
