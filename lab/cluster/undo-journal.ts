/**
 * What a command that changes the cluster for a while must put back, kept on disk while it runs.
 *
 * `lab bench`, `lab compare` and `lab conformance apps` switch kube-controller-manager's built-in
 * controllers and make namespaces, and put it all back in a `finally`. A SIGKILL, a crash or a
 * closed terminal skips the `finally`; worse, the next such command would read the state left
 * behind as "how it was" and restore to that. So each keeps <state>/undo/<command>.json: the
 * built-in state it found (written before the first switch), each namespace and ClusterRoleBinding
 * (written before the create call), each node it cordons (before the cordon) and how many simulated
 * nodes there were before it added any, whole or not at all (a temporary file renamed into place),
 * and deletes it once it has put things back itself (finish). The next bench, compare or run puts right what the record of a
 * command that is gone says (putRightAfterCrashes); Ctrl-C puts back this process's own record the
 * same way (putBackOnInterrupt). Both go through `undo`.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { describeError, LabError } from '../base/errors.js';
import { onInterrupt, type InterruptGuard } from '../base/interrupt.js';
import type { Progress } from '../base/progress.js';
import { pidAlive } from '../base/stop-processes.js';
import { readBuiltinControllers, setBuiltinControllers, type BuiltinControllersState } from './builtin-controllers.js';
import { deleteClusterRoleBinding, uncordonNode } from './cluster-objects.js';
import { writeJsonRecord } from './json-record.js';
import { deleteNamespace } from './namespaces.js';
import { stateDir } from './paths.js';

const COMMAND_NAME = /^[a-z][a-z0-9-]*$/;

const undoRecordSchema = z.object({
  command: z.string().regex(COMMAND_NAME),
  pid: z.number().int().positive(),
  host: z.string().min(1),
  /** The kernel's boot id when it was written: after a reboot its pid may be another program's. */
  bootId: z.string().min(1).optional(),
  startedAt: z.string().min(1),
  /** What the built-in Deployment and ReplicaSet controllers go back to; absent until the command switches them. */
  builtinControllersOn: z.boolean().optional(),
  /** Namespaces it made and has not deleted yet. */
  namespaces: z.array(z.string().min(1)),
  /** How many simulated nodes there were before it added any; absent until it adds (sched-scale). */
  simulatedNodesBefore: z.number().int().nonnegative().optional(),
  /** ClusterRoleBindings it made (for the bench's own kube-scheduler and kube-controller-manager) and has not deleted yet. */
  clusterRoleBindings: z.array(z.string().min(1)).optional(),
  /** Nodes it cordoned (compare's drain scenario) and has not uncordoned yet. */
  cordonedNodes: z.array(z.string().min(1)).optional(),
});
export type UndoRecord = z.infer<typeof undoRecordSchema>;

/** The record's lists of things made or changed one by one, each undone one by one. */
type ListKey = 'namespaces' | 'clusterRoleBindings' | 'cordonedNodes';

/** Pure: `record` with `names` added to its `key` list (each once). */
export function withListed(record: UndoRecord, key: ListKey, names: readonly string[]): UndoRecord {
  const now = record[key] ?? [];
  const added = names.filter((name, i) => !now.includes(name) && names.indexOf(name) === i);
  return added.length === 0 ? record : { ...record, [key]: [...now, ...added] };
}

/** Pure: `record` with `names` gone from its `key` list; an optional list that empties goes too. */
export function withUnlisted(record: UndoRecord, key: ListKey, names: readonly string[]): UndoRecord {
  const now = record[key];
  if (!now || !now.some((name) => names.includes(name))) return record;
  const left = now.filter((name) => !names.includes(name));
  return left.length > 0 || key === 'namespaces' ? { ...record, [key]: left } : without(record, key);
}

/** Pure: `record` without the optional field `key` (the same record when it has none). */
export function without(record: UndoRecord, key: 'builtinControllersOn' | 'simulatedNodesBefore' | 'clusterRoleBindings' | 'cordonedNodes'): UndoRecord {
  if (record[key] === undefined) return record;
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

/** Pure: whether anything in `record` is still to undo besides the built-in state. */
function holdsChanges(record: UndoRecord): boolean {
  return record.namespaces.length > 0 || record.simulatedNodesBefore !== undefined || (record.clusterRoleBindings?.length ?? 0) > 0 || (record.cordonedNodes?.length ?? 0) > 0;
}

export function undoDir(): string {
  return join(stateDir(), 'undo');
}

export function undoRecordPath(command: string): string {
  return join(undoDir(), `${command}.json`);
}

/** Pure: the record in `text`, or what is wrong with it. */
export function parseUndoRecord(text: string): { record: UndoRecord } | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { problem: `not JSON (${(err as Error).message})` };
  }
  const result = undoRecordSchema.safeParse(data);
  if (result.success) return { record: result.data };
  const issue = result.error.issues[0]!;
  return { problem: `${issue.path.join('.') || '(record)'}: ${issue.message}` };
}

/** This process and the facts about the host that say whose a record is. */
export interface Here {
  pid: number;
  host: string;
  bootId?: string;
  isAlive(pid: number): boolean;
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined; // no /proc (macOS): the pid alone decides
  }
}

export function thisHost(): Here {
  const id = bootId();
  return { pid: process.pid, host: hostname(), ...(id ? { bootId: id } : {}), isAlive: (pid) => pidAlive(pid) };
}

export type Owner = 'this process' | 'running' | 'another host' | 'gone';

/** Pure: whose record it is, as far as this host can tell (another host's pids mean nothing here). */
export function ownerOf(record: UndoRecord, here: Here): Owner {
  if (record.host !== here.host) return 'another host';
  if (record.bootId && here.bootId && record.bootId !== here.bootId) return 'gone'; // the machine restarted since
  if (record.pid === here.pid) return 'this process';
  return here.isAlive(record.pid) ? 'running' : 'gone';
}

export type BuiltinNow = Pick<BuiltinControllersState, 'deploymentController' | 'replicasetController'>;

export interface UndoPlan {
  namespaces: string[];
  clusterRoleBindings: string[];
  uncordonNodes: string[];
  /** Switch the built-in controllers to this; absent when they already are, or the record never switched them. */
  builtinControllersTo?: boolean;
  /** Remove this many of the newest simulated nodes (the command's: new ones are numbered after the old). */
  removeSimulatedNodes?: number;
}

/**
 * Pure: what putting `record` right takes, given the built-in controllers now (undefined: unknown,
 * so switch) and how many simulated nodes there are now (undefined: not asked, the record added none).
 */
export function planUndo(record: UndoRecord, now: BuiltinNow | undefined, simulatedNow?: number): UndoPlan {
  const to = record.builtinControllersOn;
  const already = now !== undefined && now.deploymentController === to && now.replicasetController === to;
  const extra = record.simulatedNodesBefore === undefined || simulatedNow === undefined ? 0 : simulatedNow - record.simulatedNodesBefore;
  return {
    namespaces: [...record.namespaces],
    clusterRoleBindings: [...(record.clusterRoleBindings ?? [])],
    uncordonNodes: [...(record.cordonedNodes ?? [])],
    ...(to === undefined || already ? {} : { builtinControllersTo: to }),
    ...(extra > 0 ? { removeSimulatedNodes: extra } : {}),
  };
}

const onOff = (on: boolean) => (on ? 'on' : 'off');
const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** Pure: what the first Ctrl-C prints. */
export function interruptMessage(record: UndoRecord): string {
  const parts = [
    ...(record.builtinControllersOn === undefined ? [] : [`built-in controllers ${onOff(record.builtinControllersOn)}`]),
    count(record.namespaces.length, 'namespace'),
    ...(record.clusterRoleBindings?.length ? [count(record.clusterRoleBindings.length, 'ClusterRoleBinding')] : []),
    ...(record.cordonedNodes?.length ? [`uncordoning ${record.cordonedNodes.join(', ')}`] : []),
    ...(record.simulatedNodesBefore === undefined ? [] : ['the simulated nodes it added']),
  ];
  return `interrupted: putting the cluster back as it was (${parts.join(', ')}); press Ctrl-C again to leave at once — the next lab bench, compare or run puts it right`;
}

/** The cluster as undoing needs it; injected in tests. */
export interface ClusterUndo {
  readBuiltinControllers(): Promise<BuiltinNow>;
  setBuiltinControllers(enabled: boolean, progress: Progress): Promise<unknown>;
  /** Without waiting for it to go, best effort: the problem, or undefined once deleted (or not there). */
  deleteNamespace(name: string): Promise<string | undefined>;
  /** Best effort, as deleteNamespace. */
  deleteClusterRoleBinding(name: string): Promise<string | undefined>;
  /** Best effort: the problem, or undefined once schedulable again (or the node is gone). */
  uncordonNode(name: string): Promise<string | undefined>;
  countSimulatedNodes(): Promise<number>;
  /** Removes the `count` newest simulated nodes (and kwok with the last). */
  removeSimulatedNodes(count: number, progress: Progress): Promise<unknown>;
}

// simulated-nodes.ts reaches lifecycle.ts, which discards records when it makes a cluster: loaded
// when needed, so that the modules do not import each other.
const simulatedNodes = () => import('./simulated-nodes/simulated-nodes.js');

export const clusterUndo: ClusterUndo = {
  readBuiltinControllers: () => readBuiltinControllers(),
  setBuiltinControllers: (enabled, progress) => setBuiltinControllers(enabled, progress),
  deleteNamespace: (name) => deleteNamespace(name, { wait: false, bestEffort: true }),
  deleteClusterRoleBinding: (name) => deleteClusterRoleBinding(name),
  uncordonNode: (name) => uncordonNode(name),
  countSimulatedNodes: async () => (await simulatedNodes()).countSimulatedNodes(),
  removeSimulatedNodes: async (count, progress) => (await simulatedNodes()).removeSimulatedNodes(count, progress),
};

/**
 * Puts back what `record` says, one progress line per thing, each starting with `who`. Returns
 * what is still to undo (namespaces whose deletion failed), or undefined when nothing is; throws
 * when the built-in controllers could not be switched back, as the whole record must then stay.
 */
export async function undo(record: UndoRecord, who: string, progress: Progress, cluster: ClusterUndo): Promise<UndoRecord | undefined> {
  const simulatedNow = record.simulatedNodesBefore === undefined ? undefined : await cluster.countSimulatedNodes();
  const plan = planUndo(record, await cluster.readBuiltinControllers().catch(() => undefined), simulatedNow);
  if (plan.removeSimulatedNodes !== undefined) {
    progress.info(`${who}: removing the ${count(plan.removeSimulatedNodes, 'simulated node')} it added`);
    await cluster.removeSimulatedNodes(plan.removeSimulatedNodes, progress);
  }
  /** Each of `names` through `act`; the names it failed for (a line for each either way). */
  const each = async (names: string[], act: (name: string) => Promise<string | undefined>, done: (name: string) => string) => {
    const failed: string[] = [];
    for (const name of names) {
      const problem = await act(name);
      if (problem) failed.push(name);
      progress.info(`${who}: ${problem ?? done(name)}`);
    }
    return failed;
  };
  const failedNamespaces = await each(plan.namespaces, (ns) => cluster.deleteNamespace(ns), (ns) => `deleted namespace ${ns}`);
  const failedBindings = await each(plan.clusterRoleBindings, (name) => cluster.deleteClusterRoleBinding(name), (name) => `deleted ClusterRoleBinding ${name}`);
  const stillCordoned = await each(plan.uncordonNodes, (node) => cluster.uncordonNode(node), (node) => `uncordoned node ${node}`);
  if (plan.builtinControllersTo !== undefined) {
    const to = onOff(plan.builtinControllersTo);
    progress.info(`${who}: the built-in Deployment and ReplicaSet controllers were ${to} before it; switching them back ${to}`);
    await cluster.setBuiltinControllers(plan.builtinControllersTo, progress);
  }
  const nothing = plan.namespaces.length + plan.clusterRoleBindings.length + plan.uncordonNodes.length === 0 && plan.builtinControllersTo === undefined && plan.removeSimulatedNodes === undefined;
  if (nothing) progress.info(`${who}: nothing was left to put back`);
  const left: UndoRecord = {
    ...without(without(without(withoutBuiltinState(record), 'simulatedNodesBefore'), 'clusterRoleBindings'), 'cordonedNodes'),
    namespaces: failedNamespaces,
    ...(failedBindings.length > 0 ? { clusterRoleBindings: failedBindings } : {}),
    ...(stillCordoned.length > 0 ? { cordonedNodes: stillCordoned } : {}),
  };
  return holdsChanges(left) ? left : undefined;
}

/** Pure: `record` without the built-in controllers' state (the same record when it has none). */
export function withoutBuiltinState(record: UndoRecord): UndoRecord {
  return without(record, 'builtinControllersOn');
}

/** After an undo: the record goes, or what is left of it is written for the next start. */
function keepOnly(file: string, left: UndoRecord | undefined): void {
  if (left) writeJsonRecord(file, left);
  else rmSync(file, { force: true });
}

type ReadRecord = { file: string; record: UndoRecord } | { file: string; problem: string };

/** Every record in <state>/undo (a `.partial` left by a kill mid-write is no record). */
export function readUndoRecords(): ReadRecord[] {
  const dir = undoDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const file = join(dir, name);
      try {
        return { file, ...parseUndoRecord(readFileSync(file, 'utf8')) };
      } catch (err) {
        return { file, problem: (err as Error).message };
      }
    });
}

/** What is wrong with an unreadable record, and what to do: it is never overwritten or guessed at. */
function malformed(file: string, problem: string): { message: string; fix: string } {
  return {
    message: `cannot read ${file}: ${problem}; it says what a lab command that did not finish left changed`,
    fix: `check the built-in controllers (npx lab controllers builtin) and leftover namespaces (npx lab kubectl -- get namespaces) yourself, then delete it: rm ${file}`,
  };
}

/**
 * Puts right what commands that ended without cleaning up (killed, crashed) left changed, from
 * their records; called before a command reads the cluster's state as "how it was". Nothing is
 * put right while another such command runs on this host; records of other hosts are left alone
 * (said so), unreadable ones reported.
 * Throws when the built-in controllers could not be switched back: the state read next would lie.
 */
export async function putRightAfterCrashes(progress: Progress, deps: { cluster?: ClusterUndo; here?: Here; builtinControllers?: 'put back' | 'being set' } = {}): Promise<void> {
  const cluster = deps.cluster ?? clusterUndo;
  const here = deps.here ?? thisHost();
  const entries = readUndoRecords();
  const records: Array<{ file: string; record: UndoRecord }> = [];
  for (const entry of entries) {
    if ('problem' in entry) {
      const { message, fix } = malformed(entry.file, entry.problem);
      progress.info(`${message}: ${fix}`);
    } else {
      records.push(entry);
    }
  }
  const owned = records.map((r) => ({ ...r, owner: ownerOf(r.record, here) }));
  const describe = (r: UndoRecord) => `lab ${r.command} (pid ${r.pid}, started ${r.startedAt})`;
  // While one runs (a `lab run` started beside a bench, or by it), switching the built-ins back
  // would pull them from under it; it puts back its own, and the next start does the rest.
  const running = owned.filter((r) => r.owner === 'running');
  if (running.length > 0) {
    if (owned.some((r) => r.owner === 'gone' || r.owner === 'another host')) {
      progress.info(`${running.map((r) => describe(r.record)).join(', ')} still running: what others left waits until the next start`);
    }
    return;
  }
  // Latest first: the earliest command found the cluster as the person left it, so its state is put back last.
  owned.sort((a, b) => b.record.startedAt.localeCompare(a.record.startedAt));
  for (const { file, record, owner } of owned) {
    const what = describe(record);
    if (owner === 'another host') {
      progress.info(`${file}: written by ${what} on ${record.host}, not this machine; left alone (run lab bench, compare or run there to put it right, or delete the file if that machine is gone)`);
    }
    if (owner !== 'gone') continue;
    // The caller switches them itself now (`lab controllers builtin`, `lab demo`): the person's
    // choice, made after that command died, wins over what it found.
    const toUndo = deps.builtinControllers === 'being set' ? withoutBuiltinState(record) : record;
    if (toUndo !== record) progress.info(`${what} ended without cleaning up; its built-in controllers (${onOff(record.builtinControllersOn!)} before it) are left to this command`);
    try {
      keepOnly(file, await undo(toUndo, `${what} ended without cleaning up`, progress, cluster));
    } catch (err) {
      const { message, fix } = describeError(err);
      throw new LabError(`could not put back what ${what} left: ${message}`, `${fix ? `${fix}; then ` : ''}run the command again (${file} stays until it is put right)`);
    }
  }
}

/**
 * A cluster made anew holds nothing the old one's dead commands changed: their records go (a
 * running command's, another host's and unreadable ones stay). Returns the files removed.
 */
export function discardGoneRecords(here: Here = thisHost()): string[] {
  const gone = readUndoRecords().filter((entry): entry is { file: string; record: UndoRecord } => 'record' in entry && ownerOf(entry.record, here) === 'gone');
  for (const { file } of gone) rmSync(file, { force: true });
  return gone.map((g) => g.file);
}

/** A command's record while it runs; see the header. */
export interface UndoJournal {
  readonly file: string;
  /** The record as it stands. */
  readonly record: UndoRecord;
  /** What the built-in controllers go back to; call it before the first switch (the first call counts). */
  recordBuiltinControllers(on: boolean): void;
  /** Records the namespace, then runs `create` (as a change). */
  namespace(name: string, create: () => Promise<void>): Promise<void>;
  /** The command deleted it itself. */
  namespaceGone(name: string): void;
  /**
   * Adds simulated nodes (`add`, as a change), having recorded how many there were before the
   * first add; `removed` once the command has taken its own away again.
   */
  addingSimulatedNodes<T>(add: () => Promise<T>, cluster?: Pick<ClusterUndo, 'countSimulatedNodes'>): Promise<T>;
  removingSimulatedNodes<T>(remove: () => Promise<T>): Promise<T>;
  /** Records the ClusterRoleBindings, then runs `create` (as a change); `clusterRoleBindingsGone` once deleted. */
  clusterRoleBindings<T>(names: readonly string[], create: () => Promise<T>): Promise<T>;
  clusterRoleBindingsGone(names: readonly string[]): void;
  /** Records the node, then runs `cordon` (as a change); `uncordoned` once schedulable again. */
  cordoning<T>(node: string, cordon: () => Promise<T>): Promise<T>;
  uncordoned(node: string): void;
  /**
   * A change to the cluster. An interrupt's put-back waits for those under way and starts no new
   * one: after it began, this never settles (the put-back ends the process).
   */
  change<T>(work: () => Promise<T>): Promise<T>;
  /** Ctrl-C: waits for the changes under way, undoes the record, deletes it (or keeps what failed). */
  putBack(progress: Progress, cluster?: ClusterUndo): Promise<void>;
  /**
   * The command is done: puts back what the record still holds (as putBack, as a change) and the
   * record goes; what could not be undone stays in it for the next start, and is returned.
   */
  finish(progress: Progress, cluster?: ClusterUndo): Promise<UndoRecord | undefined>;
  /**
   * The command put things back itself: the record goes. Namespaces it could not delete stay in it
   * for the next start (the built-in state does not: it was put back); returns them.
   */
  close(): string[];
}

/**
 * Starts `command`'s record. Refuses while a record of that name is there and not this process's:
 * a running command's, another host's, or one that does not parse (it is not overwritten).
 */
export function openUndoJournal(command: string, here: Here = thisHost()): UndoJournal {
  if (!COMMAND_NAME.test(command)) throw new Error(`undo journal: "${command}" is no command name`);
  const file = undoRecordPath(command);
  if (existsSync(file)) refuseExisting(file, here);
  let record: UndoRecord = { command, pid: here.pid, host: here.host, ...(here.bootId ? { bootId: here.bootId } : {}), startedAt: new Date().toISOString(), namespaces: [] };
  const save = (next: UndoRecord) => {
    record = next;
    writeJsonRecord(file, record);
  };
  save(record);
  /** Writes `next` unless nothing changed. */
  const update = (next: UndoRecord) => {
    if (next !== record) save(next);
  };
  const inFlight = new Set<Promise<unknown>>();
  let puttingBack = false;
  const change = <T>(work: () => Promise<T>): Promise<T> => {
    if (puttingBack) return new Promise<T>(() => {});
    const running = work();
    inFlight.add(running);
    const settled = () => void inFlight.delete(running);
    running.then(settled, settled);
    return running;
  };
  /** Writes `names` into the `key` list, then does `work` (as a change): written down before it is made. */
  const listing = <T>(key: ListKey, names: readonly string[], work: () => Promise<T>): Promise<T> =>
    change(async () => {
      update(withListed(record, key, names));
      return work();
    });
  return {
    file,
    get record() {
      return record;
    },
    recordBuiltinControllers(on) {
      if (record.builtinControllersOn === undefined) save({ ...record, builtinControllersOn: on });
    },
    namespace: (name, create) => listing('namespaces', [name], create),
    namespaceGone: (name) => update(withUnlisted(record, 'namespaces', [name])),
    addingSimulatedNodes(add, cluster = clusterUndo) {
      return change(async () => {
        if (record.simulatedNodesBefore === undefined) save({ ...record, simulatedNodesBefore: await cluster.countSimulatedNodes() });
        return add();
      });
    },
    removingSimulatedNodes(remove) {
      return change(async () => {
        const result = await remove();
        update(without(record, 'simulatedNodesBefore'));
        return result;
      });
    },
    clusterRoleBindings: (names, create) => listing('clusterRoleBindings', names, create),
    clusterRoleBindingsGone: (names) => update(withUnlisted(record, 'clusterRoleBindings', names)),
    cordoning: (node, cordon) => listing('cordonedNodes', [node], cordon),
    uncordoned: (node) => update(withUnlisted(record, 'cordonedNodes', [node])),
    change,
    async putBack(progress, cluster = clusterUndo) {
      puttingBack = true;
      await Promise.allSettled([...inFlight]);
      const left = await undo(record, `lab ${command}`, progress, cluster);
      keepOnly(file, left);
      if (left) record = left;
    },
    finish(progress, cluster = clusterUndo) {
      return change(async () => {
        const left = await undo(record, `lab ${command}`, progress, cluster);
        keepOnly(file, left);
        record = left ?? { command, pid: record.pid, host: record.host, ...(record.bootId ? { bootId: record.bootId } : {}), startedAt: record.startedAt, namespaces: [] };
        return left;
      });
    },
    close() {
      const rest = withoutBuiltinState(record);
      keepOnly(file, holdsChanges(rest) ? rest : undefined);
      record = rest;
      return [...record.namespaces];
    },
  };
}

function refuseExisting(file: string, here: Here): void {
  const parsed = parseUndoRecord(readFileSync(file, 'utf8'));
  if ('problem' in parsed) {
    const { message, fix } = malformed(file, parsed.problem);
    throw new LabError(message, fix);
  }
  const { record } = parsed;
  const owner = ownerOf(record, here);
  if (owner === 'this process') return;
  const what = `lab ${record.command} (pid ${record.pid}${owner === 'another host' ? ` on ${record.host}` : ''}, started ${record.startedAt})`;
  throw new LabError(
    owner === 'running'
      ? `${what} is still running on this machine, and two would switch the built-in controllers under each other`
      : owner === 'another host'
        ? `${file} belongs to ${what}, which this machine cannot check`
        : `${file}, left by ${what}, has not been put right`,
    owner === 'running'
      ? `wait for it to finish, or stop it (Ctrl-C, or kill ${record.pid}): it puts the cluster back; if pid ${record.pid} is no lab command, put the built-in controllers back yourself and rm ${file}`
      : owner === 'another host'
        ? `let it finish there; if that machine is gone, put the built-in controllers back yourself and rm ${file}`
        : 'run the command again: it puts that right first',
  );
}

/**
 * Arms Ctrl-C and SIGTERM for the command that owns `journal`: the first stops the processes the
 * command started (`stopChildren`), puts back what the record says and exits 130; a second exits
 * at once and leaves the record for the next start. dispose() once the command ends by itself.
 */
export function putBackOnInterrupt(journal: UndoJournal, progress: Progress, stopChildren?: () => Promise<void>): InterruptGuard {
  return onInterrupt({
    message: () => interruptMessage(journal.record),
    cleanup: async () => {
      await stopChildren?.();
      await journal.putBack(progress);
    },
    afterFailure: `${journal.file} stays: the next lab bench, compare or run puts the rest right`,
  });
}
