/**
 * The one image every workload of the lab runs: the demo, the exercises, compare, bench and the
 * tests. It is upstream's own test image, agnhost, serving HTTP with `netexec` on port 8080
 * (`/` answers, `/hostname` names the pod, `/healthz` is the readiness path). The same name in
 * both modes: online, the nodes pull it from registry.k8s.io (or through a mirror); offline,
 * `lab image build` builds it from the k8s.io/kubernetes Go module (test/images/agnhost, whose
 * VERSION file is the tag) and `lab up` loads it into the nodes.
 *
 * LAB_WORKLOAD_IMAGE names another image. An agnhost of another tag keeps netexec; any other image
 * runs with its own entrypoint and must serve HTTP on port 8080 with a 200 on /healthz.
 */
export const AGNHOST_IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.56';
export const WORKLOAD_PORT = 8080;
export const WORKLOAD_READINESS_PATH = '/healthz';

export interface WorkloadImage {
  /** Full image reference, as pods name it. */
  image: string;
  /** Container args (the image's entrypoint is kept); empty: the image's own CMD. */
  args: string[];
  /** Where the name came from, for `lab status` and `lab doctor`. */
  source: 'default' | 'LAB_WORKLOAD_IMAGE';
}

const NETEXEC_ARGS = ['netexec', `--http-port=${WORKLOAD_PORT}`];

/** Pure: the workload image for an environment (LAB_WORKLOAD_IMAGE, or agnhost). */
export function resolveWorkloadImage(env: Record<string, string | undefined> = process.env): WorkloadImage {
  const override = env.LAB_WORKLOAD_IMAGE?.trim();
  const image = override || AGNHOST_IMAGE;
  return { image, args: isAgnhost(image) ? [...NETEXEC_ARGS] : [], source: override ? 'LAB_WORKLOAD_IMAGE' : 'default' };
}

export function isAgnhost(image: string): boolean {
  return /(^|\/)agnhost(:|@|$)/.test(image);
}

/** The workload image of this process (read once; tests and scripts set LAB_WORKLOAD_IMAGE before starting). */
export const WORKLOAD = resolveWorkloadImage();

export interface WorkloadContainerOptions {
  name?: string;
  ready?: boolean;
  env?: { name: string; value: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/** The container spec (a V1Container, spelled structurally so that controllers/ need not import lab/). */
export interface WorkloadContainer {
  name: string;
  image: string;
  args?: string[];
  ports: { containerPort: number }[];
  readinessProbe?: { httpGet: { path: string; port: number }; periodSeconds: number };
  env?: { name: string; value: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/** A container running the workload image, with the HTTP port and (optionally) its readiness probe. */
export function workloadContainer(opts: WorkloadContainerOptions = {}, workload: WorkloadImage = WORKLOAD): WorkloadContainer {
  return {
    name: opts.name ?? 'web',
    image: workload.image,
    ...(workload.args.length ? { args: [...workload.args] } : {}),
    ports: [{ containerPort: WORKLOAD_PORT }],
    ...(opts.ready ? { readinessProbe: { httpGet: { path: WORKLOAD_READINESS_PATH, port: WORKLOAD_PORT }, periodSeconds: 1 } } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.resources ? { resources: opts.resources } : {}),
  };
}

/** What follows `kubectl create deployment NAME --image=IMAGE` to run the workload: ` -- /agnhost netexec ...` or nothing. */
export function kubectlCommandSuffix(workload: WorkloadImage = WORKLOAD): string {
  return workload.args.length ? ` -- /agnhost ${workload.args.join(' ')}` : '';
}

/**
 * Puts the workload image into every container of a manifest (pod, pod template, or a list of
 * them) that names the placeholder `{{image}}`, with its args unless the container sets its own
 * command or args. Exercise files use the placeholder, so one setting changes them all.
 */
export function applyWorkloadImage<T>(value: T, workload: WorkloadImage = WORKLOAD): T {
  if (Array.isArray(value)) return value.map((v) => applyWorkloadImage(v, workload)) as T;
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(object)) out[key] = applyWorkloadImage(child, workload);
  if (out.image === '{{image}}') {
    out.image = workload.image;
    if (workload.args.length && out.args === undefined && out.command === undefined) out.args = [...workload.args];
  }
  return out as T;
}

/** The name of the Deployment compare, demo and bench create. */
export const DEPLOYMENT = 'web';

/** The Deployment compare, demo and bench create: DEPLOYMENT, the workload image, opted into the side's scheduler. */
export function deploymentManifest(namespace: string, replicas: number, schedulerName: string): Record<string, unknown> {
  return workloadDeployment({ namespace, replicas, schedulerName });
}

export interface WorkloadDeploymentOptions {
  namespace: string;
  /** Default DEPLOYMENT; the Deployment, its selector and its pods are labelled app=<name>. */
  name?: string;
  replicas: number;
  schedulerName: string;
  strategy?: Record<string, unknown>;
  nodeSelector?: Record<string, string>;
  container?: WorkloadContainerOptions;
}

/** A Deployment of the workload image (one container, 1 s grace period): compare, demo and bench's, and the e2e tests'. */
export function workloadDeployment(opts: WorkloadDeploymentOptions): Record<string, unknown> {
  const name = opts.name ?? DEPLOYMENT;
  const labels = { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: opts.namespace, labels },
    spec: {
      replicas: opts.replicas,
      selector: { matchLabels: labels },
      ...(opts.strategy ? { strategy: opts.strategy } : {}),
      template: {
        metadata: { labels },
        spec: {
          schedulerName: opts.schedulerName,
          ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
          terminationGracePeriodSeconds: 1,
          containers: [workloadContainer(opts.container)],
        },
      },
    },
  };
}
