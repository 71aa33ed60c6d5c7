/**
 * The bench's cluster side: a pod watch that timestamps what it sees (in a namespace of its own;
 * namespaces themselves are lab/cluster/namespaces.ts's), the lab's ReplicaSet controller built
 * as `lab run` builds it (labController) on clients that can be rate-limited, and the built-in
 * components' memory read from /proc on the control-plane node (read-only).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { controlPlaneContainer, execInNode } from '../cluster/nodes.js';
import { adminKubeconfigPath } from '../cluster/paths.js';
import { IDENTITIES } from '../run/components.js';
import { labController, withWritesTraced } from '../run/lab-controllers.js';
import type { TraceSession } from '../trace/session.js';
import { createInformer, type Informer } from '../../controllers/shared/informer.js';
import { clientsFor, loadKubeConfig, type Clients } from '../../controllers/shared/kube.js';
import { silentLogger } from '../../controllers/shared/log.js';
import { throttledClient, type TokenBucket } from '../base/token-bucket.js';

export function adminClients(): Clients {
  return clientsFor(loadKubeConfig(adminKubeconfigPath()), 'k8s-flow-lab/bench');
}

/** When this process first saw each pod of a namespace exist, bound, and Running (performance.now() ms). */
export interface PodWatch {
  created: Map<string, number>;
  bound: Map<string, number>;
  running: Map<string, number>;
  stop(): void;
  until(pred: (w: PodWatch) => boolean, timeoutMs: number, what: string): Promise<void>;
}

export async function watchPods(clients: Clients, namespace: string): Promise<PodWatch> {
  const informer: Informer<V1Pod> = createInformer<V1Pod>(clients.kubeConfig, {
    name: 'bench-pods',
    path: `/api/v1/namespaces/${namespace}/pods`,
    list: () => clients.core.listNamespacedPod({ namespace }),
    deserializeAs: 'V1Pod',
    log: silentLogger,
  });
  const w: PodWatch = {
    created: new Map(),
    bound: new Map(),
    running: new Map(),
    stop: () => informer.stop(),
    async until(pred, timeoutMs, what) {
      const deadline = performance.now() + timeoutMs;
      while (!pred(w)) {
        if (performance.now() > deadline) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
  const see = (pod: V1Pod) => {
    const name = pod.metadata?.name;
    if (!name) return;
    const now = performance.now();
    if (!w.created.has(name)) w.created.set(name, now);
    if (pod.spec?.nodeName && !w.bound.has(name)) w.bound.set(name, now);
    if (pod.status?.phase === 'Running' && !w.running.has(name)) w.running.set(name, now);
  };
  informer.onAdd(see);
  informer.onUpdate((_, pod) => see(pod));
  await informer.start();
  return w;
}

/**
 * A pod is refused until kube-controller-manager's service-account controller has made a new
 * namespace's `default` ServiceAccount: seconds when kube-controller-manager is busy or has just
 * restarted (the bench restarts it to switch the built-in controllers). Every namespace the bench
 * makes waits for it (bench.ts), so no measurement meets a 403 on its first pod.
 */
export async function waitForDefaultServiceAccount(admin: Clients, ns: string, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      await admin.core.readNamespacedServiceAccount({ namespace: ns, name: 'default' });
      return;
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
      if (performance.now() > deadline) {
        throw new Error(`namespace ${ns} still has no default ServiceAccount after ${Math.round(timeoutMs / 1000)} s: kube-controller-manager's service-account controller makes it (is kube-controller-manager running? \`npx lab doctor\`)`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** What inWatchedNamespace needs of the bench's context (measurement.ts BenchContext has it). */
export interface NamespaceKeeper {
  admin: Clients;
  namespace(name: string): Promise<string>;
  dropNamespace(name: string): Promise<void>;
}

/**
 * A fresh namespace `ns` with a pod watch on it for `work`; afterwards the watch stops and the
 * namespace is dropped (and waited for), unless `keepNamespace`: the caller then drops it when
 * the pods' teardown cannot overlap a measured step.
 */
export async function inWatchedNamespace<T>(ctx: NamespaceKeeper, ns: string, work: (watch: PodWatch) => Promise<T>, opts: { keepNamespace?: boolean } = {}): Promise<T> {
  await ctx.namespace(ns);
  const watch = await watchPods(ctx.admin, ns);
  try {
    return await work(watch);
  } finally {
    watch.stop();
    if (!opts.keepNamespace) await ctx.dropNamespace(ns);
  }
}

export interface RunningController {
  stop(): Promise<void>;
}

/**
 * The lab's ReplicaSet controller in this process with admin credentials (User-Agent
 * k8s-flow-lab/replicaset-controller). With `bucket`, every API call its clients make first takes
 * a token (the same limiter client-go puts in front of kube-controller-manager's clients).
 */
export async function startLabReplicaSetController(opts: { bucket?: TokenBucket; trace?: TraceSession } = {}): Promise<RunningController> {
  let clients = clientsFor(loadKubeConfig(adminKubeconfigPath()), IDENTITIES.replicaset.userAgent);
  if (opts.bucket) clients = { ...clients, core: throttledClient(clients.core, opts.bucket), apps: throttledClient(clients.apps, opts.bucket) };
  clients = withWritesTraced(clients, 'replicaset', opts.trace);
  const controller = labController('replicaset', { kc: clients.kubeConfig, clients, log: silentLogger, trace: opts.trace });
  const abort = new AbortController();
  const done = controller.run(abort.signal);
  await Promise.race([controller.synced, done]);
  return {
    async stop() {
      abort.abort();
      await done;
    },
  };
}

/** Pure: the sum of the VmRSS lines (kB) in /proc/<pid>/status texts, in MiB. */
export function vmRssMiB(text: string): number | undefined {
  const values = [...text.matchAll(/^VmRSS:\s+(\d+)\s+kB/gm)].map((m) => Number(m[1]));
  return values.length ? values.reduce((a, b) => a + b, 0) / 1024 : undefined;
}

/** kube-controller-manager + kube-scheduler resident memory on the control-plane node. */
export async function builtinComponentsRssMiB(): Promise<number | undefined> {
  // comm is cut at 15 characters ("kube-controller"), so match argv[0] from cmdline instead.
  const script =
    'for d in /proc/[0-9]*; do a=$(tr "\\0" " " < $d/cmdline 2>/dev/null | cut -d" " -f1); ' +
    'case "${a##*/}" in kube-controller-manager|kube-scheduler) grep VmRSS $d/status;; esac; done';
  const result = await execInNode(await controlPlaneContainer(), ['sh', '-c', script], { timeoutMs: 20_000 });
  return result.exitCode === 0 ? vmRssMiB(result.stdout) : undefined;
}
