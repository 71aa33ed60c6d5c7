/**
 * A control-plane component of the bench's own (kube-scheduler, kube-controller-manager), so the
 * built-in side of a measurement is one fresh process with chosen client limits, measured like
 * the lab's process: the control plane's own image (already in every node's containerd) run as a
 * pod on a worker node under a ServiceAccount bound to the component's roles, placed by nodeName
 * (no scheduler involved), with no serving port (so it needs no delegated authentication). The
 * control plane's own component is left as it is. A component that stands in for one of the
 * lab's (kube-controller-manager's ReplicaSet controller) leads by that component's Lease, so a
 * `lab run` started meanwhile stands by instead of acting on the same objects.
 *
 * A crash leaves a namespace and bindings with fixed names; the next start replaces them,
 * `lab up --recreate` drops them. The pod itself ends by its activeDeadlineSeconds, set to the
 * most one measurement can take: a bench killed mid-run does not leave the component running for
 * long, holding the Lease or not.
 */
import { RbacAuthorizationV1Api, type V1ClusterRoleBinding, type V1ConfigMap, type V1ContainerState, type V1Pod, type V1RoleBinding } from '@kubernetes/client-node';
import type { Clients } from '../../controllers/shared/kube.js';
import { listNodeContainers } from '../cluster/nodes.js';

export interface BenchComponent {
  /** Names the ServiceAccount, the pod, the ConfigMap and (prefixed) the bindings. */
  name: string;
  namespace: string;
  /** ClusterRoles its ServiceAccount is bound to. */
  roles: readonly string[];
  /** The kube-system static pod's `component` label the image is copied from. */
  component: 'kube-scheduler' | 'kube-controller-manager';
  command: readonly string[];
  /** Files mounted read-only at `configDir`, from a ConfigMap. */
  files?: Record<string, string>;
  configDir?: string;
  /** The Lease it leads by (its command names it), and the Role in that namespace that allows it. */
  leaderElection?: { namespace: string; lease: string; role: string };
}

/** Pure: the binding of the component's ServiceAccount to its leader-election Role, if it has one. */
export function benchLeaseBinding(c: Pick<BenchComponent, 'name' | 'namespace' | 'leaderElection'>): V1RoleBinding | undefined {
  if (!c.leaderElection) return undefined;
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: `k8s-flow-lab-${c.name}-leader-election`, namespace: c.leaderElection.namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: c.leaderElection.role },
    subjects: [{ kind: 'ServiceAccount', name: c.name, namespace: c.namespace }],
  };
}

/** Pure: the bindings of the component's ServiceAccount to its roles. */
export function benchBindings(c: Pick<BenchComponent, 'name' | 'namespace' | 'roles'>): V1ClusterRoleBinding[] {
  return c.roles.map((role) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: `k8s-flow-lab-${c.name}-${role.replace(/^system:(controller:)?/, '')}` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [{ kind: 'ServiceAccount', name: c.name, namespace: c.namespace }],
  }));
}

/** Pure: the ConfigMap (when it has files) and the Pod, on `nodeName` with `image`. */
export function benchObjects(c: BenchComponent, image: string, nodeName: string, lifetimeSeconds: number): { configMap?: V1ConfigMap; pod: V1Pod } {
  const metadata = { name: c.name, namespace: c.namespace, labels: { app: c.name } };
  const mounted = c.files && c.configDir ? { dir: c.configDir, files: c.files } : undefined;
  return {
    ...(mounted ? { configMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: mounted.files } } : {}),
    pod: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata,
      spec: {
        nodeName,
        activeDeadlineSeconds: lifetimeSeconds,
        serviceAccountName: c.name,
        containers: [{
          name: c.component,
          image,
          imagePullPolicy: 'IfNotPresent',
          command: [...c.command],
          ...(mounted ? { volumeMounts: [{ name: 'config', mountPath: mounted.dir, readOnly: true }] } : {}),
        }],
        ...(mounted ? { volumes: [{ name: 'config', configMap: { name: c.name } }] } : {}),
      },
    },
  };
}

/** Pure: the longest one side of a measurement may need: its start, then two waits of `timeoutMs` each, and a margin. */
export function componentLifetimeSeconds(timeoutMs: number, startTimeoutMs: number): number {
  return Math.ceil((startTimeoutMs + 2 * timeoutMs) / 1000) + 120;
}

/** The image the control plane's `component` runs (its static pod's). */
export async function controlPlaneImage(admin: Clients, component: BenchComponent['component']): Promise<string> {
  const pods = await admin.core.listNamespacedPod({ namespace: 'kube-system', labelSelector: `component=${component}` });
  const image = pods.items[0]?.spec?.containers[0]?.image;
  if (!image) throw new Error(`no ${component} pod in kube-system: the bench copies its image, so the cluster needs one (npx lab up --recreate)`);
  return image;
}

/** The worker node container the component's pod runs in (its process is read from there). */
export async function benchWorker(): Promise<string> {
  const worker = (await listNodeContainers()).find((n) => n.role === 'worker' && n.running);
  if (!worker) throw new Error('the cluster has no running worker node to run the bench component on (npx lab up --recreate)');
  return worker.name;
}

const isNotFound = (error: unknown) => (error as { code?: number }).code === 404;
const ignoreNotFound = (error: unknown) => {
  if (!isNotFound(error)) throw error;
};

/**
 * What making and removing a component needs: admin clients, and the bench's undo journal for the
 * ClusterRoleBindings (cluster-scoped, so dropping the namespace leaves them), so that a killed
 * bench leaves none the next start does not delete.
 */
export interface BenchComponentContext {
  admin: Clients;
  clusterRoleBindings<T>(names: readonly string[], create: () => Promise<T>): Promise<T>;
  clusterRoleBindingsGone(names: readonly string[]): void;
}

/**
 * Creates the component in `c.namespace` (which must exist, with its default ServiceAccount) on
 * `nodeName`; the kubelet stops it after `lifetimeSeconds` whatever happens to the bench.
 */
export async function createBenchComponent(ctx: BenchComponentContext, c: BenchComponent, nodeName: string, lifetimeSeconds: number): Promise<void> {
  const { admin } = ctx;
  const rbac = admin.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  const bindings = benchBindings(c);
  await ctx.clusterRoleBindings(bindings.map((b) => b.metadata!.name!), async () => {
    for (const binding of bindings) {
      await rbac.deleteClusterRoleBinding({ name: binding.metadata!.name! }).catch(ignoreNotFound);
      await rbac.createClusterRoleBinding({ body: binding });
    }
  });
  const leaseBinding = benchLeaseBinding(c);
  if (leaseBinding) {
    const { name, namespace } = leaseBinding.metadata as { name: string; namespace: string };
    await rbac.deleteNamespacedRoleBinding({ name, namespace }).catch(ignoreNotFound);
    await rbac.createNamespacedRoleBinding({ namespace, body: leaseBinding });
  }
  await admin.core.createNamespacedServiceAccount({ namespace: c.namespace, body: { metadata: { name: c.name } } });
  const { configMap, pod } = benchObjects(c, await controlPlaneImage(admin, c.component), nodeName, lifetimeSeconds);
  if (configMap) await admin.core.createNamespacedConfigMap({ namespace: c.namespace, body: configMap });
  await admin.core.createNamespacedPod({ namespace: c.namespace, body: pod });
}

/** Deletes the bindings; the namespace (and with it the pod) is the caller's to drop. */
export async function deleteBenchBindings(ctx: BenchComponentContext, c: Pick<BenchComponent, 'name' | 'namespace' | 'roles' | 'leaderElection'>): Promise<void> {
  const rbac = ctx.admin.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  for (const binding of benchBindings(c)) {
    await rbac.deleteClusterRoleBinding({ name: binding.metadata!.name! }).catch(ignoreNotFound);
    ctx.clusterRoleBindingsGone([binding.metadata!.name!]);
  }
  const leaseBinding = benchLeaseBinding(c);
  if (leaseBinding) await rbac.deleteNamespacedRoleBinding({ name: leaseBinding.metadata!.name!, namespace: leaseBinding.metadata!.namespace! }).catch(ignoreNotFound);
}

/** Pure: a container state in a few words. */
function stateInWords(state: V1ContainerState | undefined): string {
  if (state?.running) return 'running';
  if (state?.waiting) return `waiting (${[state.waiting.reason, state.waiting.message].filter(Boolean).join(': ') || 'no reason given'})`;
  if (state?.terminated) return `exited with code ${state.terminated.exitCode}${state.terminated.reason ? ` (${state.terminated.reason})` : ''}`;
  return 'not created yet';
}

/**
 * Pure: what a component's pod says of itself, for an error message: its phase, its container's
 * state and restarts, and the end of its log (which says, for one that cannot reach the API server
 * or waits for a Lease, why it did nothing).
 */
export function describeComponentPod(pod: V1Pod, logTail: string | undefined): string {
  const container = pod.status?.containerStatuses?.[0];
  const where = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
  const restarts = container?.restartCount ? `, restarted ${container.restartCount} times` : '';
  const log = logTail?.trim() ? `; the end of its log:\n${logTail.trim().split('\n').map((line) => `    ${line}`).join('\n')}` : '; its log is empty';
  return `its pod ${where} is ${pod.status?.phase ?? 'without a phase'}, its container ${stateInWords(container?.state)}${restarts}${log}`;
}

/** How many lines of the component's log an error quotes. */
const LOG_TAIL_LINES = 8;

/**
 * `error` with what the component's pod says of itself appended (describeComponentPod), for a
 * built-in side that did not do what was asked in time: without it the bench only knows that
 * nothing happened. Reading the pod is best effort.
 */
export async function withComponentState(admin: Clients, c: Pick<BenchComponent, 'name' | 'namespace'>, error: unknown): Promise<Error> {
  const base = error instanceof Error ? error : new Error(String(error));
  try {
    const pod = await admin.core.readNamespacedPod({ name: c.name, namespace: c.namespace });
    const log = await admin.core.readNamespacedPodLog({ name: c.name, namespace: c.namespace, tailLines: LOG_TAIL_LINES }).catch(() => undefined);
    base.message = `${base.message}; ${describeComponentPod(pod, log)}`;
  } catch (readError) {
    base.message = `${base.message}; its pod ${c.namespace}/${c.name} could not be read (${(readError as Error).message})`;
  }
  return base;
}
