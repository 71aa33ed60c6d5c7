/**
 * What a scenario left behind, reduced to what should be the same whoever ran the controllers:
 * counts, labels (pod-template-hash values masked: the lab and upstream hash differently),
 * owner chains, revision annotations, Deployment status counters and condition types/reasons.
 * Names, uids, timestamps and hashes are dropped; the hashes are kept aside for the explanations.
 */
import { compareBigInt, parseInt64 } from '../../controllers/shared/int64.js';

interface Meta {
  name?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: Array<{ kind?: string; name?: string; controller?: boolean }>;
  deletionTimestamp?: string;
}

export interface RawObject {
  metadata?: Meta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
}

export interface RawState {
  deployments: RawObject[];
  replicaSets: RawObject[];
  pods: RawObject[];
}

export interface NormalDeployment {
  revision?: string;
  spec: { replicas?: number };
  status: Record<string, number | undefined>;
  conditions: string[];
}

export interface NormalReplicaSet {
  revision?: string;
  replicas?: number;
  readyReplicas?: number;
  labels: Record<string, string>;
  owner: string;
}

export interface EndState {
  deployments: NormalDeployment[];
  replicaSetCount: number;
  replicaSets: NormalReplicaSet[];
  podCount: number;
  podPhases: Record<string, number>;
  podLabels: string[];
  ownerChains: Record<string, number>;
}

export const HASH_LABEL = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';
const STATUS_COUNTERS = ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', 'terminatingReplicas'];

export function maskHash(labels: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(labels ?? {}).sort()) out[key] = key === HASH_LABEL ? '<hash>' : labels![key]!;
  return out;
}

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function controllerOf(obj: RawObject): { kind?: string; name?: string } | undefined {
  return obj.metadata?.ownerReferences?.find((o) => o.controller);
}

/** "Pod→ReplicaSet→Deployment": kinds only, following controller owners through the given objects. */
export function ownerChain(pod: RawObject, state: RawState): string {
  const kinds = ['Pod'];
  let owner = controllerOf(pod);
  const seen = new Set<string>();
  while (owner?.kind && !seen.has(`${owner.kind}/${owner.name}`)) {
    seen.add(`${owner.kind}/${owner.name}`);
    kinds.push(owner.kind);
    const pool = owner.kind === 'ReplicaSet' ? state.replicaSets : owner.kind === 'Deployment' ? state.deployments : [];
    const next = pool.find((o) => o.metadata?.name === owner!.name);
    owner = next ? controllerOf(next) : undefined;
  }
  return kinds.join('→');
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

function countBy(values: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of [...values].sort()) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** Revisions are int64 strings (exact as bigint); absent or unparsable ones sort as 0. */
function revisionOrZero(revision: string | undefined): bigint {
  return (revision === undefined ? undefined : parseInt64(revision)) ?? 0n;
}

/** Pods being deleted are leaving: the end state is what stays. */
function live(objects: readonly RawObject[]): RawObject[] {
  return objects.filter((o) => !o.metadata?.deletionTimestamp);
}

export function normaliseEndState(raw: RawState): EndState {
  const pods = live(raw.pods);
  const deployments = raw.deployments.map((d): NormalDeployment => {
    const status: Record<string, number | undefined> = {};
    for (const key of STATUS_COUNTERS) status[key] = num(d.status?.[key]) ?? 0;
    const conditions = ((d.status?.conditions as Array<{ type?: string; reason?: string; status?: string }> | undefined) ?? [])
      .map((c) => `${c.type}=${c.status}/${c.reason ?? ''}`)
      .sort();
    return { revision: d.metadata?.annotations?.[REVISION], spec: { replicas: num(d.spec?.replicas) }, status, conditions };
  });
  const replicaSets = raw.replicaSets
    .map((rs): NormalReplicaSet => ({
      revision: rs.metadata?.annotations?.[REVISION],
      replicas: num(rs.spec?.replicas),
      readyReplicas: num(rs.status?.readyReplicas) ?? 0,
      labels: maskHash(rs.metadata?.labels),
      owner: controllerOf(rs)?.kind ?? '',
    }))
    .sort((a, b) => compareBigInt(revisionOrZero(a.revision), revisionOrZero(b.revision)));
  return {
    deployments,
    replicaSetCount: raw.replicaSets.length,
    replicaSets,
    podCount: pods.length,
    podPhases: countBy(pods.map((p) => String(p.status?.phase ?? 'Unknown'))),
    podLabels: [...new Set(pods.map((p) => labelText(maskHash(p.metadata?.labels))))].sort(),
    ownerChains: countBy(pods.map((p) => ownerChain(p, raw))),
  };
}

/** The pod-template-hash values in use (ReplicaSets and pods), for the explanations. */
export function templateHashes(raw: RawState): string[] {
  const values = [...raw.replicaSets, ...raw.pods].map((o) => o.metadata?.labels?.[HASH_LABEL]).filter((v): v is string => !!v);
  return [...new Set(values)].sort();
}

/** Leaf paths → JSON values, e.g. "deployments[0].status.readyReplicas" → "3". */
export function flatten(value: unknown, prefix = '', out: Map<string, string> = new Map()): Map<string, string> {
  if (Array.isArray(value)) {
    if (value.length === 0) out.set(prefix, '[]');
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) out.set(prefix, '{}');
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (value !== undefined) {
    out.set(prefix, JSON.stringify(value));
  }
  return out;
}

export interface StateDifference {
  path: string;
  builtin?: string;
  lab?: string;
}

/** Every leaf that differs between the two end states (missing on one side included). */
export function diffEndStates(builtin: EndState, lab: EndState): StateDifference[] {
  const a = flatten(builtin);
  const b = flatten(lab);
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  const out: StateDifference[] = [];
  for (const path of paths) {
    const x = a.get(path);
    const y = b.get(path);
    if (x === y) continue;
    const diff: StateDifference = { path };
    if (x !== undefined) diff.builtin = x;
    if (y !== undefined) diff.lab = y;
    out.push(diff);
  }
  return out;
}
