import { parse, stringify } from 'yaml';
import { LabError } from '../base/errors.js';
import { pollUntil } from '../base/poll.js';
import type { Progress } from '../base/progress.js';
import { kubectl } from './kubectl.js';
import { controlPlaneContainer, execInNode } from './nodes.js';

/**
 * Switching kube-controller-manager's built-in Deployment and ReplicaSet controllers off and on.
 *
 * kube-controller-manager runs as a static pod: the kubelet on the control-plane node runs
 * whatever /etc/kubernetes/manifests/kube-controller-manager.yaml says and restarts it when the
 * file changes. Its `--controllers` flag lists controllers to run: `*` means every controller that
 * is on by default, `-name` turns one off.
 */

export const MANAGED_CONTROLLERS = ['deployment-controller', 'replicaset-controller'] as const;
const MANIFEST = '/etc/kubernetes/manifests/kube-controller-manager.yaml';
const DEFAULT_FLAG = '*,bootstrapsigner,tokencleaner';

export interface BuiltinControllersState {
  deploymentController: boolean;
  replicasetController: boolean;
  controllersFlag: string;
}

/** Is `name` on under this --controllers value? (`*` = default set; `-name` wins; explicit names are on.) */
export function isControllerEnabled(flag: string, name: string): boolean {
  const items = flag.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.includes(`-${name}`)) return false;
  return items.includes(name) || items.includes('*');
}

/** The --controllers value with the managed controllers turned off (`-name`) or back on. */
export function rewriteControllersFlag(flag: string, enabled: boolean): string {
  const managed = new Set<string>(MANAGED_CONTROLLERS.flatMap((n) => [n, `-${n}`]));
  const kept = flag.split(',').map((s) => s.trim()).filter((s) => s && !managed.has(s));
  if (!kept.includes('*')) kept.unshift('*');
  return enabled ? kept.join(',') : [...kept, ...MANAGED_CONTROLLERS.map((n) => `-${n}`)].join(',');
}

interface StaticPod {
  spec: { containers: Array<{ command?: string[] }> };
}

/** Reads the flag out of the static pod manifest's command line. */
export function controllersFlagOf(manifest: StaticPod): string {
  const command = manifest.spec.containers[0]?.command ?? [];
  const arg = command.find((a) => a.startsWith('--controllers='));
  return arg ? arg.slice('--controllers='.length) : '*';
}

export function withControllersFlag(manifest: StaticPod, flag: string): StaticPod {
  const container = manifest.spec.containers[0];
  if (!container) throw new Error('kube-controller-manager manifest has no container');
  const command = (container.command ?? []).filter((a) => !a.startsWith('--controllers='));
  container.command = [...command, `--controllers=${flag}`];
  return manifest;
}

function stateOf(flag: string): BuiltinControllersState {
  return {
    deploymentController: isControllerEnabled(flag, 'deployment-controller'),
    replicasetController: isControllerEnabled(flag, 'replicaset-controller'),
    controllersFlag: flag,
  };
}

async function readManifest(node: string): Promise<StaticPod> {
  const result = await execInNode(node, ['cat', MANIFEST]);
  if (result.exitCode !== 0) throw new LabError(`cannot read ${MANIFEST} on ${node}: ${result.stderr.trim()}`, 'is the cluster up? `npx lab status`');
  return parse(result.stdout) as StaticPod;
}

export async function readBuiltinControllers(): Promise<BuiltinControllersState> {
  const node = await controlPlaneContainer();
  return stateOf(controllersFlagOf(await readManifest(node)));
}

async function leaseHolder(): Promise<{ holder: string; renewTime?: string }> {
  const result = await kubectl(['-n', 'kube-system', 'get', 'lease', 'kube-controller-manager', '-o', 'json'], { reject: false });
  if (result.exitCode !== 0) return { holder: '' };
  const lease = JSON.parse(result.stdout) as { spec?: { holderIdentity?: string; renewTime?: string } };
  return { holder: lease.spec?.holderIdentity ?? '', ...(lease.spec?.renewTime ? { renewTime: lease.spec.renewTime } : {}) };
}

/** The --controllers value of the kube-controller-manager process running on the node now. */
async function runningFlag(node: string): Promise<string | undefined> {
  // /proc/PID/comm is cut at 15 characters ("kube-controller"), so match the full argv[0] instead.
  const script = 'for p in /proc/[0-9]*; do a=$(tr "\\0" "\\n" < "$p/cmdline" 2>/dev/null) || continue; ' +
    'case "$(echo "$a" | head -n1)" in *kube-controller-manager) echo "$a";; esac; done';
  const result = await execInNode(node, ['sh', '-c', script]);
  const arg = result.stdout.split('\n').find((a) => a.startsWith('--controllers='));
  return arg?.slice('--controllers='.length);
}

/**
 * Rewrites the flag, waits until the restarted kube-controller-manager runs with it and holds its
 * leader-election lease (only the lease holder runs controllers), and reports the new state.
 */
export async function setBuiltinControllers(
  enabled: boolean,
  progress?: Progress,
  timeoutMs = 240_000,
): Promise<BuiltinControllersState & { leaseHolder: string; changed: boolean }> {
  const node = await controlPlaneContainer();
  const manifest = await readManifest(node);
  const before = controllersFlagOf(manifest);
  const after = rewriteControllersFlag(before === '*' ? DEFAULT_FLAG : before, enabled);
  const { holder: holderBefore } = await leaseHolder();
  if (before === after) {
    return { ...stateOf(after), leaseHolder: holderBefore, changed: false };
  }
  const text = stringify(withControllersFlag(manifest, after));
  // Write next to the manifests directory and rename into it: the kubelet must never see half a
  // file, and a temporary file inside the directory would be taken for another static pod.
  const write = await execInNode(node, ['sh', '-c', `cat > /etc/kubernetes/kcm.yaml.lab && mv /etc/kubernetes/kcm.yaml.lab ${MANIFEST}`], { input: text });
  if (write.exitCode !== 0) throw new LabError(`writing ${MANIFEST} failed: ${write.stderr.trim()}`);

  const wait = (update: (s: string) => void) =>
    pollUntil(
      async () => {
        const flag = await runningFlag(node);
        const { holder } = await leaseHolder();
        if (flag === after && holder && holder !== holderBefore) return holder;
        update(flag === after ? 'restarted; waiting for it to take the kube-controller-manager lease' : 'waiting for the kubelet to restart kube-controller-manager');
        return undefined;
      },
      { timeoutMs, intervalMs: 1000, timedOut: () => new LabError('kube-controller-manager did not come back with the new flag in time', '`npx lab status`; the manifest is at ' + MANIFEST) },
    );
  const holder = progress
    ? await progress.step(`built-in deployment and replicaset controllers ${enabled ? 'on' : 'off'}`, wait)
    : await wait(() => undefined);
  return { ...stateOf(after), leaseHolder: holder, changed: true };
}
