/**
 * Per-hop latencies of the chain of events, from one side's trace entries:
 *
 *   deployment-change → deployment-write   a change to the Deployment (etcd PUT when the etcd tap saw
 *                                          it, i.e. when watches fire; else kubectl's request) → the
 *                                          deployment controller's next write
 *   rs-write → pod-create                  a ReplicaSet create/scale by the deployment controller →
 *                                          the first pod created for it
 *   pod-create → binding                   pod create → its binding (the scheduler's decision)
 *   binding → kubelet-started              binding → kubelet's "Started" event for the pod
 *   binding → containerd-task-start        binding → the first non-sandbox /tasks/start of the pod
 *   binding → running                      binding → the kubelet reporting phase Running
 *
 * Each hop yields one sample per occurrence; p50/p95 summarise them.
 */
import { percentile } from '../base/stats.js';
import type { TraceEntry } from '../trace/schema.js';
import { READ_VERBS, roleOf } from './actions.js';

export const HOPS = [
  'deployment-change → deployment-write',
  'rs-write → pod-create',
  'pod-create → binding',
  'binding → kubelet-started',
  'binding → containerd-task-start',
  'binding → running',
] as const;
export type Hop = (typeof HOPS)[number];

export type HopSamples = Record<Hop, number[]>;

export interface HopSummary {
  hop: Hop;
  samples: number;
  p50?: number;
  p95?: number;
}

const byTime = (a: TraceEntry, b: TraceEntry) => a.tMs - b.tMs || a.id - b.id;

function subresource(e: TraceEntry): string | undefined {
  return typeof e.details.subresource === 'string' ? e.details.subresource : undefined;
}

function ownerName(e: TraceEntry): string | undefined {
  const owner = e.details.owner as { kind?: string; name?: string } | undefined;
  return owner?.kind === 'ReplicaSet' ? owner.name : undefined;
}

function firstAtOrAfter(sorted: readonly TraceEntry[], tMs: number, match: (e: TraceEntry) => boolean): TraceEntry | undefined {
  return sorted.find((e) => e.tMs >= tMs && match(e));
}

/** Did the kubelet tap see the pod's phase become Running in this entry? */
function becameRunning(e: TraceEntry): boolean {
  if (e.tap !== 'kubelet' || e.verb !== 'status') return false;
  const diff = e.details.diff as Array<{ field?: string; to?: string }> | undefined;
  return !!diff?.some((c) => c.field === 'status.phase' && c.to === 'Running');
}

export function hopSamples(entries: readonly TraceEntry[], namespace: string): HopSamples {
  const all = entries.filter((e) => e.object.namespace === namespace).sort(byTime);
  const audit = all.filter((e) => e.tap === 'audit' && !READ_VERBS.has(e.verb) && (e.details.code === undefined || Number(e.details.code) < 300));
  const samples = Object.fromEntries(HOPS.map((h) => [h, [] as number[]])) as HopSamples;

  // Deployment changes made by the user, each to the deployment controller's next write.
  const userDeploymentWrites = audit.filter((e) => e.object.kind === 'Deployment' && roleOf(e.actor) === 'kubectl' && !subresource(e));
  for (const change of userDeploymentWrites) {
    const fired = firstAtOrAfter(all, change.tMs, (e) => e.tap === 'etcd' && e.verb === 'PUT' && e.object.kind === 'Deployment' && e.object.name === change.object.name);
    const start = fired ?? change;
    const write = firstAtOrAfter(audit, start.tMs, (e) => roleOf(e.actor) === 'deployment controller');
    if (write) samples['deployment-change → deployment-write'].push(write.tMs - start.tMs);
  }

  // ReplicaSet created or resized by the deployment controller, to the first pod created for it after.
  const podCreates = audit.filter((e) => e.object.kind === 'Pod' && e.verb === 'create' && !subresource(e));
  const rsWrites = audit.filter((e) => e.object.kind === 'ReplicaSet' && roleOf(e.actor) === 'deployment controller' && !subresource(e) && e.verb !== 'delete');
  for (const rs of rsWrites) {
    const pod = firstAtOrAfter(podCreates, rs.tMs, (p) => ownerName(p) === rs.object.name || (ownerName(p) === undefined && p.object.name.startsWith(`${rs.object.name}-`)));
    // Only a write that really led to a pod counts (a status-only or scale-down update does not).
    const nextRsWrite = firstAtOrAfter(rsWrites, rs.tMs, (r) => r !== rs && r.object.name === rs.object.name);
    if (pod && (!nextRsWrite || pod.tMs <= nextRsWrite.tMs)) samples['rs-write → pod-create'].push(pod.tMs - rs.tMs);
  }

  // Per pod: create → binding → started / task start / running.
  const bindings = audit.filter((e) => e.object.kind === 'Pod' && subresource(e) === 'binding');
  for (const create of podCreates) {
    // generateName'd creates may be logged with the generated name only in the response; match by name.
    const binding = bindings.find((b) => b.object.name === create.object.name && b.tMs >= create.tMs);
    if (!binding) continue;
    samples['pod-create → binding'].push(binding.tMs - create.tMs);
    const samePod = (e: TraceEntry) => e.object.kind === 'Pod' && e.object.name === create.object.name;
    const started = firstAtOrAfter(all, binding.tMs, (e) => e.tap === 'kubelet' && e.verb === 'Started' && samePod(e));
    if (started) samples['binding → kubelet-started'].push(started.tMs - binding.tMs);
    const task = firstAtOrAfter(all, binding.tMs, (e) => e.tap === 'containerd' && e.verb === '/tasks/start' && samePod(e) && e.details.containerKind !== 'sandbox');
    if (task) samples['binding → containerd-task-start'].push(task.tMs - binding.tMs);
    const running = firstAtOrAfter(all, binding.tMs, (e) => samePod(e) && becameRunning(e));
    if (running) samples['binding → running'].push(running.tMs - binding.tMs);
  }
  return samples;
}

export function summariseHops(samples: HopSamples): HopSummary[] {
  return HOPS.map((hop) => {
    const values = samples[hop];
    const summary: HopSummary = { hop, samples: values.length };
    const p50 = percentile(values, 50);
    const p95 = percentile(values, 95);
    if (p50 !== undefined) summary.p50 = p50;
    if (p95 !== undefined) summary.p95 = p95;
    return summary;
  });
}
