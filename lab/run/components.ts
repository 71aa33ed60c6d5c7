/**
 * The lab's three components as `lab run` knows them: the name used on the command line, the
 * ServiceAccount that is its identity, and the User-Agent the audit log shows for its requests.
 */
import { BadInputError } from '../base/errors.js';
import type { LabComponent } from '../trace/schema.js';

export const COMPONENTS = ['deployment', 'replicaset', 'scheduler'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface ComponentIdentity {
  /** ServiceAccount name in LAB_NAMESPACE, and the manifest file manifests/rbac/<name>.yaml. */
  serviceAccount: string;
  userAgent: string;
}

/** Where the components' ServiceAccounts live. */
export const LAB_NAMESPACE = 'k8s-flow-lab';

export const IDENTITIES: Record<Component, ComponentIdentity> = {
  deployment: { serviceAccount: 'deployment-controller', userAgent: 'k8s-flow-lab/deployment-controller' },
  replicaset: { serviceAccount: 'replicaset-controller', userAgent: 'k8s-flow-lab/replicaset-controller' },
  scheduler: { serviceAccount: 'scheduler', userAgent: 'k8s-flow-lab/scheduler' },
};

/** What the trace calls each component. */
export const TRACE_ACTOR: Record<Component, LabComponent> = {
  deployment: 'deployment-controller',
  replicaset: 'replicaset-controller',
  scheduler: 'scheduler',
};

export function isComponent(value: string): value is Component {
  return (COMPONENTS as readonly string[]).includes(value);
}

/**
 * Parse `--only deployment,replicaset`: comma-separated, spaces and repeats tolerated, order kept as
 * in COMPONENTS. Undefined or empty means all three. Unknown names are bad input (exit 2).
 */
export function parseOnly(value: string | undefined): Component[] {
  if (value === undefined) return [...COMPONENTS];
  const names = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0);
  if (names.length === 0) throw new BadInputError('--only needs at least one component', `choose from ${COMPONENTS.join(', ')} (comma-separated), or leave --only out to run all`);
  const unknown = names.filter((n) => !isComponent(n));
  if (unknown.length > 0) {
    throw new BadInputError(
      `--only: unknown component${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}`,
      `choose from ${COMPONENTS.join(', ')} (comma-separated, e.g. --only deployment,replicaset)`,
    );
  }
  return COMPONENTS.filter((c) => names.includes(c));
}
