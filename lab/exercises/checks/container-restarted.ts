/**
 * containerRestarted: containerd started a new container for the same pod and container name
 * after the old one's task exited, i.e. the kubelet noticed the exit and asked the runtime for a
 * replacement. Read from the containerd tap (`/tasks/exit`, then `/tasks/start` with a new id).
 */
import { z } from 'zod';
import type { TraceEntry } from '../../trace/schema.js';
import type { Snapshot } from '../snapshot.js';
import { matchesFilter } from '../selectors.js';
import { NO_TRACE } from './trace-match.js';
import { checkObject, objectFilterFields, type CheckResult } from './types.js';

export const containerRestartedSchema = checkObject('containerRestarted', {
  ...objectFilterFields,
  container: z.string().min(1),
  minRestarts: z.number().int().positive().default(1),
});

export type ContainerRestartedCheck = z.infer<typeof containerRestartedSchema>;

interface Restart {
  exited: TraceEntry;
  started: TraceEntry | undefined;
}

/** Each task exit of the container in one pod, paired with the first start of a different container after it. */
export function restartsOf(entries: readonly TraceEntry[]): Restart[] {
  const ordered = [...entries].sort((a, b) => a.tMs - b.tMs || a.id - b.id);
  const restarts: Restart[] = [];
  ordered.forEach((e, i) => {
    if (e.verb !== '/tasks/exit') return;
    const started = ordered.slice(i + 1).find((later) => later.verb === '/tasks/start' && later.details.containerId !== e.details.containerId);
    restarts.push({ exited: e, started });
  });
  return restarts;
}

const seconds = (e: TraceEntry) => `t=${(e.tMs / 1000).toFixed(1)}s`;
const shortId = (e: TraceEntry) => String(e.details.containerId ?? '?').slice(0, 12);

export function evaluateContainerRestarted(check: ContainerRestartedCheck, snapshot: Snapshot): CheckResult {
  const expected = `containerd: container "${check.container}" exited and a new one started in its place, at least ${check.minRestarts} time(s) in one pod`;
  if (!snapshot.traceAvailable) return { pass: false, expected, saw: NO_TRACE };
  const allowed = check.selector === undefined ? undefined : new Set(snapshot.objects.Pod.filter((p) => matchesFilter(p, check)).map((p) => p.metadata.name));
  const byPod = new Map<string, TraceEntry[]>();
  for (const e of snapshot.trace) {
    if (e.tap !== 'containerd' || e.object.kind !== 'Pod' || e.object.namespace !== snapshot.namespace) continue;
    if (e.details.container !== check.container) continue;
    if (check.namePrefix !== undefined && !e.object.name.startsWith(check.namePrefix)) continue;
    if (allowed && !allowed.has(e.object.name)) continue;
    byPod.set(e.object.name, [...(byPod.get(e.object.name) ?? []), e]);
  }
  if (byPod.size === 0) return { pass: false, expected, saw: `no containerd events for container "${check.container}" in ${snapshot.namespace}` };
  const lines: string[] = [];
  let best = 0;
  for (const [pod, entries] of [...byPod.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const restarts = restartsOf(entries);
    const completed = restarts.filter((r) => r.started).length;
    best = Math.max(best, completed);
    if (restarts.length === 0) lines.push(`${pod}/${check.container}: started, never exited`);
    for (const r of restarts) {
      lines.push(
        r.started
          ? `${pod}/${check.container}: ${shortId(r.exited)} exited at ${seconds(r.exited)} (status ${String(r.exited.details.exitStatus ?? '?')}), ${shortId(r.started)} started at ${seconds(r.started)}`
          : `${pod}/${check.container}: ${shortId(r.exited)} exited at ${seconds(r.exited)}, no new container started after it`,
      );
    }
  }
  return { pass: best >= check.minRestarts, expected, saw: lines.slice(0, 6).join('; ') };
}
