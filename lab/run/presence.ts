/**
 * Who is running the lab against this cluster. Each `lab run` (and each lab started by demo,
 * compare or bench) keeps a Lease of its own in the lab's namespace: its holder identity is the
 * process's leader-election identity, its annotations say pid, host, start time and components,
 * and it is renewed every few seconds. `lab status` lists them (a record not renewed for its
 * duration belongs to a process that died: it is shown as gone and removed); demo, compare and
 * bench refuse to start a second writer while one is alive.
 *
 * The component leases themselves (who leads) are plain leader-election Leases; see
 * controllers/shared/leader-election.ts. This module only reads them for reports.
 */
import { hostname } from 'node:os';
import { PatchStrategy, setHeaderOptions, type CoordinationV1Api, type V1Lease } from '@kubernetes/client-node';
import { formatMicroTime, realElectionClock, recordFromLease } from '../../controllers/shared/leader-election.js';
import { errorMessage, isNotFound } from '../../controllers/shared/retry.js';
import { pidAlive } from '../base/stop-processes.js';
import { LAB_NAMESPACE } from './components.js';

export const PART_OF_LABEL = { 'app.kubernetes.io/part-of': 'k8s-flow-lab' } as const;
/** Marks a Lease as a component's leader-election lock. */
export const LEADER_LEASE_LABELS = { ...PART_OF_LABEL, 'k8s-flow-lab/lease': 'leader' } as const;
/** Marks a Lease as one lab process's presence record. */
export const PROCESS_LEASE_LABELS = { ...PART_OF_LABEL, 'k8s-flow-lab/lease': 'process' } as const;

const ANNOTATION = {
  pid: 'k8s-flow-lab/pid',
  host: 'k8s-flow-lab/host',
  started: 'k8s-flow-lab/started',
  components: 'k8s-flow-lab/components',
  command: 'k8s-flow-lab/command',
  schedulerName: 'k8s-flow-lab/scheduler-name',
} as const;

/** A scheduler leads by the Lease `scheduler-<its spec.schedulerName>`. */
export const SCHEDULER_LEASE_PREFIX = 'scheduler-';

export const PRESENCE_DURATION_SECONDS = 15;
export const PRESENCE_RENEW_MS = 5_000;

export interface LabProcessInfo {
  identity: string;
  pid: number;
  host: string;
  startedAt: string;
  components: string[];
  command: string;
  /** The spec.schedulerName its scheduler serves, when it runs one (absent in records of older labs). */
  schedulerName?: string;
}

export interface LabProcessRecord extends LabProcessInfo {
  leaseName: string;
  renewedAt?: string;
  /** False once the record went unrenewed past its duration, or its pid is gone on this host. */
  alive: boolean;
}

export interface LeaderRecord {
  lease: string;
  holder: string;
  /** When the current holder acquired it (RFC 3339). */
  since?: string;
  renewedAt?: string;
  transitions: number;
  /** False when released or not renewed within its duration (by our wall clock). */
  held: boolean;
}

type PresenceClient = Pick<CoordinationV1Api, 'createNamespacedLease' | 'patchNamespacedLease' | 'deleteNamespacedLease' | 'listNamespacedLease'>;

/** The Lease name for a process: its identity's uuid part, which is unique. */
export function processLeaseName(identity: string): string {
  const uuid = identity.slice(identity.lastIndexOf('_') + 1).toLowerCase();
  return `lab-process-${uuid.replace(/[^a-z0-9-]/g, '')}`.slice(0, 63);
}

// Its home is lab/base (the undo journal in lab/cluster asks it too); re-exported for this layer's callers.
export { pidAlive };

/** Pure: a presence Lease → the record, judged against `now` and (for this host) the pid. */
export function processFromLease(lease: V1Lease, now: Date, thisHost: string, isPidAlive: (pid: number) => boolean): LabProcessRecord {
  const a = lease.metadata?.annotations ?? {};
  const record = recordFromLease(lease);
  const pid = Number(a[ANNOTATION.pid]);
  const host = a[ANNOTATION.host] ?? '';
  const renewedMs = record.renewTime?.getTime();
  const fresh = renewedMs !== undefined && now.getTime() - renewedMs < (record.leaseDurationSeconds || PRESENCE_DURATION_SECONDS) * 1000;
  const alive = fresh && (host !== thisHost || isPidAlive(pid));
  return {
    leaseName: lease.metadata?.name ?? '',
    identity: record.holderIdentity,
    pid,
    host,
    startedAt: a[ANNOTATION.started] ?? '',
    components: (a[ANNOTATION.components] ?? '').split(',').filter(Boolean),
    command: a[ANNOTATION.command] ?? '',
    ...(a[ANNOTATION.schedulerName] ? { schedulerName: a[ANNOTATION.schedulerName] } : {}),
    ...(record.renewTime ? { renewedAt: record.renewTime.toISOString() } : {}),
    alive,
  };
}

/** Pure: a leader Lease → who leads it, judged against `now`. */
export function leaderFromLease(lease: V1Lease, now: Date): LeaderRecord {
  const record = recordFromLease(lease);
  const renewedMs = record.renewTime?.getTime();
  const held = record.holderIdentity !== '' && renewedMs !== undefined && now.getTime() - renewedMs < record.leaseDurationSeconds * 1000;
  return {
    lease: lease.metadata?.name ?? '',
    holder: record.holderIdentity,
    ...(record.acquireTime ? { since: record.acquireTime.toISOString() } : {}),
    ...(record.renewTime ? { renewedAt: record.renewTime.toISOString() } : {}),
    transitions: record.leaseTransitions,
    held,
  };
}

/** Every lab process that has a presence record, alive or not, and who leads each component. */
export async function readLabActivity(client: Pick<CoordinationV1Api, 'listNamespacedLease'>, now = new Date()): Promise<{ processes: LabProcessRecord[]; leaders: LeaderRecord[] }> {
  const list = async (labels: Record<string, string>) => {
    try {
      const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
      return (await client.listNamespacedLease({ namespace: LAB_NAMESPACE, labelSelector: selector })).items;
    } catch (err) {
      if (isNotFound(err)) return []; // the namespace does not exist yet: nobody ever ran the lab here
      throw err;
    }
  };
  const host = hostname();
  const processes = (await list(PROCESS_LEASE_LABELS)).map((l) => processFromLease(l, now, host, (pid) => pidAlive(pid)));
  const leaders = (await list(LEADER_LEASE_LABELS)).map((l) => leaderFromLease(l, now));
  processes.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  leaders.sort((a, b) => a.lease.localeCompare(b.lease));
  return { processes: withSchedulerNamesFromLeases(processes, leaders), leaders };
}

/**
 * Pure: a record written by an older lab has no scheduler name; if that process holds a
 * `scheduler-<name>` Lease, the name is known all the same.
 */
export function withSchedulerNamesFromLeases(processes: LabProcessRecord[], leaders: readonly LeaderRecord[]): LabProcessRecord[] {
  return processes.map((p) => {
    if (p.schedulerName || !p.components.includes('scheduler')) return p;
    const held = leaders.find((l) => l.held && l.holder === p.identity && l.lease.startsWith(SCHEDULER_LEASE_PREFIX));
    return held ? { ...p, schedulerName: held.lease.slice(SCHEDULER_LEASE_PREFIX.length) } : p;
  });
}

/** Remove the records of processes that are gone (a crash or SIGKILL leaves them behind). */
export async function pruneGoneProcesses(client: Pick<CoordinationV1Api, 'deleteNamespacedLease'>, processes: readonly LabProcessRecord[]): Promise<number> {
  let removed = 0;
  for (const p of processes) {
    if (p.alive) continue;
    try {
      await client.deleteNamespacedLease({ name: p.leaseName, namespace: LAB_NAMESPACE });
      removed++;
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return removed;
}

export interface Presence {
  stop(): Promise<void>;
}

/**
 * Create this process's presence record and renew it until stop(), which deletes it. A failed
 * renewal is reported and retried: presence is for people and refusals, safety comes from the
 * component leases.
 */
export async function announcePresence(client: PresenceClient, info: LabProcessInfo, onError: (message: string) => void): Promise<Presence> {
  const name = processLeaseName(info.identity);
  const now = () => formatMicroTime(realElectionClock.wallNow());
  await client.createNamespacedLease({
    namespace: LAB_NAMESPACE,
    body: {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: {
        name,
        namespace: LAB_NAMESPACE,
        labels: { ...PROCESS_LEASE_LABELS },
        annotations: {
          [ANNOTATION.pid]: String(info.pid),
          [ANNOTATION.host]: info.host,
          [ANNOTATION.started]: info.startedAt,
          [ANNOTATION.components]: info.components.join(','),
          [ANNOTATION.command]: info.command,
          ...(info.schedulerName ? { [ANNOTATION.schedulerName]: info.schedulerName } : {}),
        },
      },
      spec: { holderIdentity: info.identity, leaseDurationSeconds: PRESENCE_DURATION_SECONDS, acquireTime: now() as unknown as Date, renewTime: now() as unknown as Date },
    },
  });
  const timer = setInterval(() => {
    client
      .patchNamespacedLease({ name, namespace: LAB_NAMESPACE, body: { spec: { renewTime: now() } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch))
      .catch((err: unknown) => onError(`could not renew this process's presence record ${LAB_NAMESPACE}/${name}: ${errorMessage(err)}`));
  }, PRESENCE_RENEW_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      try {
        await client.deleteNamespacedLease({ name, namespace: LAB_NAMESPACE });
      } catch (err) {
        if (!isNotFound(err)) onError(`could not remove presence record ${LAB_NAMESPACE}/${name}: ${errorMessage(err)} (lab status removes it once it is stale)`);
      }
    },
  };
}

/** Pure: how a person stops a lab process, from this host or another. */
export function howToStop(p: Pick<LabProcessRecord, 'pid' | 'host'>, thisHost = hostname()): string {
  return p.host === thisHost ? `kill ${p.pid}` : `stop it on ${p.host} (kill ${p.pid} there)`;
}

/** Pure: "3 min 5 s" for a duration in ms (for "leading for ..."). */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Pure: the lines `lab status` prints about who leads and which lab processes run. */
export function describeActivity(activity: { processes: LabProcessRecord[]; leaders: LeaderRecord[] }, now: Date, thisHost = hostname()): string[] {
  const byIdentity = new Map(activity.processes.map((p) => [p.identity, p]));
  const lines: string[] = [];
  if (activity.leaders.length === 0) lines.push('leaders: none yet (no `lab run` has led here)');
  else lines.push('leaders (Leases in k8s-flow-lab):');
  for (const l of activity.leaders) {
    const who = byIdentity.get(l.holder);
    const state = !l.held
      ? l.holder
        ? `nobody: ${l.holder}'s lease expired`
        : 'nobody (released)'
      : `${l.holder}${who ? ` (pid ${who.pid} on ${who.host})` : ''}, leading for ${l.since ? humanDuration(now.getTime() - Date.parse(l.since)) : '?'}`;
    lines.push(`  ${l.lease.padEnd(34)} ${state}, ${l.transitions} transition${l.transitions === 1 ? '' : 's'}`);
  }
  const leading = new Map<string, string[]>();
  for (const l of activity.leaders) if (l.held) leading.set(l.holder, [...(leading.get(l.holder) ?? []), l.lease]);
  if (activity.processes.length === 0) lines.push('lab processes: none running');
  else lines.push('lab processes:');
  for (const p of activity.processes) {
    const role = !p.alive ? 'gone (record left by a crash; removed by the next lab start)' : leading.has(p.identity) ? `leading ${leading.get(p.identity)!.join(', ')}` : 'standby';
    lines.push(`  pid ${String(p.pid).padEnd(7)} on ${p.host}, ${p.command}, since ${p.startedAt}: ${role}${p.alive ? `; stop: ${howToStop(p, thisHost)}` : ''}`);
  }
  return lines;
}
