import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LabError } from '../../../lab/base/errors.js';
import { Progress } from '../../../lab/base/progress.js';
import {
  discardGoneRecords,
  withListed,
  withUnlisted,
  interruptMessage,
  openUndoJournal,
  ownerOf,
  parseUndoRecord,
  planUndo,
  putRightAfterCrashes,
  readUndoRecords,
  undoDir,
  undoRecordPath,
  type ClusterUndo,
  type Here,
  type UndoRecord,
} from '../../../lab/cluster/undo-journal.js';
import { useTempLabDirs } from './registry-temp-dirs.js';

const record = (over: Partial<UndoRecord> = {}): UndoRecord => ({
  command: 'bench',
  pid: 4242,
  host: 'box',
  bootId: 'boot-1',
  startedAt: '2026-12-03T10:00:00.000Z',
  builtinControllersOn: true,
  namespaces: ['bench-rollout'],
  ...over,
});

/** This process is pid 1000 on "box"; `alive` are the other pids that run. */
const hereWith = (alive: number[] = [], over: Partial<Here> = {}): Here => ({ pid: 1000, host: 'box', bootId: 'boot-1', isAlive: (pid) => alive.includes(pid), ...over });

/** A cluster whose built-ins are `on` (both) and whose calls are logged. */
function fakeCluster(on: boolean, opts: { failNamespaces?: string[]; failSwitch?: boolean; simulated?: number; failBindings?: string[]; failUncordon?: string[] } = {}) {
  const calls: string[] = [];
  const state = { deploymentController: on, replicasetController: on, simulated: opts.simulated ?? 0 };
  const cluster: ClusterUndo = {
    readBuiltinControllers: async () => ({ ...state }),
    async setBuiltinControllers(enabled) {
      calls.push(`builtin ${enabled ? 'on' : 'off'}`);
      if (opts.failSwitch) throw new LabError('kube-controller-manager did not come back with the new flag in time', 'npx lab status');
      state.deploymentController = state.replicasetController = enabled;
    },
    async deleteNamespace(name) {
      calls.push(`delete ${name}`);
      return opts.failNamespaces?.includes(name) ? `could not delete namespace ${name}: connection refused` : undefined;
    },
    async deleteClusterRoleBinding(name) {
      calls.push(`delete clusterrolebinding ${name}`);
      return opts.failBindings?.includes(name) ? `could not delete ClusterRoleBinding ${name}: Forbidden` : undefined;
    },
    async uncordonNode(name) {
      calls.push(`uncordon ${name}`);
      return opts.failUncordon?.includes(name) ? `could not uncordon node ${name}: connection refused` : undefined;
    },
    countSimulatedNodes: async () => state.simulated,
    async removeSimulatedNodes(count) {
      calls.push(`remove ${count} simulated`);
      state.simulated -= count;
    },
  };
  return { cluster, calls, state };
}

function quietProgress() {
  const progress = new Progress(true);
  const info = vi.spyOn(progress, 'info');
  return { progress, lines: () => info.mock.calls.map(([line]) => line) };
}

const writeRecord = (name: string, value: unknown) => {
  mkdirSync(undoDir(), { recursive: true });
  writeFileSync(join(undoDir(), name), typeof value === 'string' ? value : JSON.stringify(value));
};
const onDisk = (command: string) => JSON.parse(readFileSync(undoRecordPath(command), 'utf8')) as UndoRecord;

describe('parseUndoRecord', () => {
  it('reads back a record written as JSON', () => {
    expect(parseUndoRecord(JSON.stringify(record()))).toEqual({ record: record() });
  });

  it('says what is wrong with one that is not JSON, or not a record', () => {
    expect(parseUndoRecord('{"command": "bench", "pid"')).toEqual({ problem: expect.stringMatching(/^not JSON/) });
    expect(parseUndoRecord(JSON.stringify({ ...record(), pid: '4242' }))).toEqual({ problem: expect.stringMatching(/^pid: /) });
    expect(parseUndoRecord(JSON.stringify({ ...record(), namespaces: undefined }))).toEqual({ problem: expect.stringMatching(/^namespaces: /) });
    expect(parseUndoRecord(JSON.stringify({ ...record(), builtinControllersOn: 'yes' }))).toEqual({ problem: expect.stringMatching(/^builtinControllersOn: /) });
    expect(parseUndoRecord('[]')).toEqual({ problem: expect.stringMatching(/^\(record\): /) });
  });
});

describe('ownerOf', () => {
  it('a gone pid on this host: gone (ESRCH); a live one: running; our own: this process', () => {
    expect(ownerOf(record(), hereWith([]))).toBe('gone');
    expect(ownerOf(record(), hereWith([4242]))).toBe('running');
    expect(ownerOf(record({ pid: 1000 }), hereWith([]))).toBe('this process');
  });

  it('another host: its pids mean nothing here, alive or not', () => {
    expect(ownerOf(record({ host: 'laptop' }), hereWith([]))).toBe('another host');
    expect(ownerOf(record({ host: 'laptop' }), hereWith([4242]))).toBe('another host');
  });

  it('written before this host restarted: gone, even if its pid now runs another program', () => {
    expect(ownerOf(record({ bootId: 'boot-0' }), hereWith([4242]))).toBe('gone');
    expect(ownerOf(record({ bootId: 'boot-0', pid: 1000 }), hereWith([]))).toBe('gone');
    // No boot id on either side (no /proc): the pid alone decides.
    expect(ownerOf(record({ bootId: undefined }), hereWith([4242]))).toBe('running');
    expect(ownerOf(record(), hereWith([4242], { bootId: undefined }))).toBe('running');
  });
});

describe('planUndo', () => {
  it('deletes the recorded namespaces and switches the built-ins back when they differ', () => {
    expect(planUndo(record({ builtinControllersOn: true }), { deploymentController: false, replicasetController: false })).toEqual({
      namespaces: ['bench-rollout'],
      clusterRoleBindings: [],
      uncordonNodes: [],
      builtinControllersTo: true,
    });
    expect(planUndo(record({ builtinControllersOn: false, namespaces: [] }), { deploymentController: true, replicasetController: true })).toEqual({
      namespaces: [],
      clusterRoleBindings: [],
      uncordonNodes: [],
      builtinControllersTo: false,
    });
  });

  it('leaves the built-ins alone when they already are as recorded, or were never switched', () => {
    expect(planUndo(record({ builtinControllersOn: true }), { deploymentController: true, replicasetController: true })).toEqual({ namespaces: ['bench-rollout'], clusterRoleBindings: [], uncordonNodes: [] });
    expect(planUndo(record({ builtinControllersOn: undefined }), { deploymentController: false, replicasetController: true })).toEqual({ namespaces: ['bench-rollout'], clusterRoleBindings: [], uncordonNodes: [] });
  });

  it('switches when only one of the two is as recorded, or their state could not be read', () => {
    expect(planUndo(record({ builtinControllersOn: true }), { deploymentController: true, replicasetController: false }).builtinControllersTo).toBe(true);
    expect(planUndo(record({ builtinControllersOn: false }), undefined).builtinControllersTo).toBe(false);
  });
});

describe('interruptMessage', () => {
  it('says what it puts back and how to leave at once', () => {
    expect(interruptMessage(record({ builtinControllersOn: false, namespaces: ['a', 'b'] }))).toBe(
      'interrupted: putting the cluster back as it was (built-in controllers off, 2 namespaces); press Ctrl-C again to leave at once — the next lab bench, compare or run puts it right',
    );
    expect(interruptMessage(record({ builtinControllersOn: undefined, namespaces: ['a'] }))).toMatch(/\(1 namespace\);/);
  });
});

describe('the journal on disk', () => {
  useTempLabDirs('lab-undo-');

  it('starts with who and when, writes the built-in state and each namespace before the change, and close() deletes it', async () => {
    const journal = openUndoJournal('bench', hereWith());
    expect(journal.file).toBe(undoRecordPath('bench'));
    expect(onDisk('bench')).toMatchObject({ command: 'bench', pid: 1000, host: 'box', bootId: 'boot-1', namespaces: [] });
    expect(onDisk('bench').builtinControllersOn).toBeUndefined();
    expect(Date.parse(onDisk('bench').startedAt)).not.toBeNaN();

    journal.recordBuiltinControllers(false);
    journal.recordBuiltinControllers(true); // the first call counts: the state before any switch
    await journal.change(async () => expect(onDisk('bench').builtinControllersOn).toBe(false));

    let seenAtCreate: string[] = [];
    await journal.namespace('bench-rollout', async () => void (seenAtCreate = onDisk('bench').namespaces));
    await journal.namespace('bench-rollout', async () => {});
    await journal.namespace('bench-burst', async () => {});
    expect(seenAtCreate).toEqual(['bench-rollout']);
    expect(onDisk('bench').namespaces).toEqual(['bench-rollout', 'bench-burst']);
    journal.namespaceGone('bench-rollout');
    expect(onDisk('bench').namespaces).toEqual(['bench-burst']);
    expect(readdirSync(undoDir())).toEqual(['bench.json']); // no temporary file left beside it

    journal.namespaceGone('bench-burst');
    expect(journal.close()).toEqual([]);
    expect(existsSync(journal.file)).toBe(false);
  });

  it('close() keeps the namespaces it could not delete for the next start, without the built-in state (put back)', () => {
    const journal = openUndoJournal('compare', hereWith());
    journal.recordBuiltinControllers(true);
    void journal.namespace('compare-builtin-create', async () => {});
    expect(journal.close()).toEqual(['compare-builtin-create']);
    const left = onDisk('compare');
    expect(left.namespaces).toEqual(['compare-builtin-create']);
    expect(left.builtinControllersOn).toBeUndefined();
  });

  it('a kill in the middle of a write leaves the previous record whole: the temporary file is no record', () => {
    const journal = openUndoJournal('bench', hereWith());
    journal.recordBuiltinControllers(true);
    // What a kill between writing the temporary file and renaming it leaves.
    writeFileSync(`${journal.file}.partial`, '{"command": "bench", "pid": 10');
    const records = readUndoRecords();
    expect(records).toEqual([{ file: journal.file, record: expect.objectContaining({ builtinControllersOn: true }) }]);
    // The next write replaces the torn temporary file and renames it in.
    void journal.namespace('bench-x', async () => {});
    expect(readdirSync(undoDir())).toEqual(['bench.json']);
    expect(onDisk('bench').namespaces).toEqual(['bench-x']);
  });

  it('refuses to start over a record it cannot account for, and leaves that file as it was', () => {
    writeRecord('bench.json', record({ pid: 4242 }));
    expect(() => openUndoJournal('bench', hereWith([4242]))).toThrow(/lab bench \(pid 4242, started .*\) is still running on this machine/);
    writeRecord('bench.json', record({ host: 'laptop' }));
    expect(() => openUndoJournal('bench', hereWith())).toThrow(/belongs to lab bench \(pid 4242 on laptop/);
    writeRecord('bench.json', '{not json');
    let error: unknown;
    try {
      openUndoJournal('bench', hereWith());
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).message).toContain(`cannot read ${undoRecordPath('bench')}: not JSON`);
    expect((error as LabError).fix).toContain(`rm ${undoRecordPath('bench')}`);
    expect(readFileSync(undoRecordPath('bench'), 'utf8')).toBe('{not json');
  });

  it('Ctrl-C: putBack waits for the change under way, starts no new one, undoes its own record and deletes it', async () => {
    const { cluster, calls } = fakeCluster(false);
    const { progress, lines } = quietProgress();
    const journal = openUndoJournal('bench', hereWith());
    journal.recordBuiltinControllers(true);
    await journal.namespace('bench-rollout', async () => {});
    let finishSwitch!: () => void;
    const switching = journal.change(() => new Promise<void>((resolve) => (finishSwitch = resolve)).then(() => void calls.push('switch under way done')));

    const putBack = journal.putBack(progress, cluster);
    const later = vi.fn(async () => {});
    void journal.change(later);
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([]); // still waiting for the switch under way
    finishSwitch();
    await switching;
    await putBack;
    expect(later).not.toHaveBeenCalled();
    expect(calls).toEqual(['switch under way done', 'delete bench-rollout', 'builtin on']);
    expect(lines()).toEqual(['lab bench: deleted namespace bench-rollout', 'lab bench: the built-in Deployment and ReplicaSet controllers were on before it; switching them back on']);
    expect(existsSync(journal.file)).toBe(false);
  });
});

describe('putRightAfterCrashes', () => {
  useTempLabDirs('lab-undo-');

  it('undoes the record of a command that is gone, a line for each thing, and deletes the record', async () => {
    writeRecord('bench.json', record({ builtinControllersOn: true, namespaces: ['bench-rollout', 'bench-burst'] }));
    const { cluster, calls, state } = fakeCluster(false);
    const { progress, lines } = quietProgress();
    await putRightAfterCrashes(progress, { cluster, here: hereWith() });
    expect(calls).toEqual(['delete bench-rollout', 'delete bench-burst', 'builtin on']);
    expect(state.deploymentController).toBe(true);
    const who = 'lab bench (pid 4242, started 2026-12-03T10:00:00.000Z) ended without cleaning up';
    expect(lines()).toEqual([
      `${who}: deleted namespace bench-rollout`,
      `${who}: deleted namespace bench-burst`,
      `${who}: the built-in Deployment and ReplicaSet controllers were on before it; switching them back on`,
    ]);
    expect(readUndoRecords()).toEqual([]);
  });

  it('does not switch built-ins that are already as recorded, and still says the record went', async () => {
    writeRecord('compare.json', record({ command: 'compare', builtinControllersOn: false, namespaces: [] }));
    const { cluster, calls } = fakeCluster(false);
    const { progress, lines } = quietProgress();
    await putRightAfterCrashes(progress, { cluster, here: hereWith() });
    expect(calls).toEqual([]);
    expect(lines()).toEqual([expect.stringMatching(/lab compare \(pid 4242.*: nothing was left to put back$/)]);
    expect(readUndoRecords()).toEqual([]);
  });

  it('leaves everything while such a command still runs here: switching now would pull the built-ins from under it', async () => {
    writeRecord('bench.json', record({ pid: 4242 }));
    writeRecord('compare.json', record({ command: 'compare', pid: 5151 }));
    const { cluster, calls } = fakeCluster(false);
    const { progress, lines } = quietProgress();
    await putRightAfterCrashes(progress, { cluster, here: hereWith([4242]) });
    expect(calls).toEqual([]);
    expect(lines()).toEqual([expect.stringMatching(/lab bench \(pid 4242.* still running: what others left waits until the next start/)]);
    expect(readUndoRecords()).toHaveLength(2);
  });

  it('skips its own record silently (a lab started inside bench)', async () => {
    writeRecord('bench.json', record({ pid: 1000 }));
    const { cluster, calls } = fakeCluster(false);
    const { progress, lines } = quietProgress();
    await putRightAfterCrashes(progress, { cluster, here: hereWith() });
    expect(calls).toEqual([]);
    expect(lines()).toEqual([]);
    expect(readUndoRecords()).toHaveLength(1);
  });

  it("leaves another host's record and says so", async () => {
    writeRecord('bench.json', record({ host: 'laptop' }));
    const { cluster, calls } = fakeCluster(false);
    const { progress, lines } = quietProgress();
    await putRightAfterCrashes(progress, { cluster, here: hereWith() });
    expect(calls).toEqual([]);
    expect(lines()).toEqual([expect.stringMatching(/bench\.json: written by lab bench \(pid 4242.*\) on laptop, not this machine; left alone/)]);
    expect(readUndoRecords()).toHaveLength(1);
  });

  it('reports a record that does not parse, naming the file and how to fix it, leaves it alone and goes on', async () => {
    writeRecord('compare.json', '{"command": "compare", "pid": 77');
    writeRecord('bench.json', record({ namespaces: [] }));
    const { cluster, calls } = fakeCluster(false);
    const { progress, lines } = quietProgress();
    await putRightAfterCrashes(progress, { cluster, here: hereWith() });
    const file = undoRecordPath('compare');
    expect(lines()[0]).toMatch(new RegExp(`^cannot read ${file}: not JSON .*rm ${file}$`));
    expect(readFileSync(file, 'utf8')).toBe('{"command": "compare", "pid": 77');
    expect(calls).toEqual(['builtin on']); // the readable one was still put right
    expect(existsSync(undoRecordPath('bench'))).toBe(false);
  });

  it('keeps the namespaces whose deletion failed in the record, without the built-in state it put back', async () => {
    writeRecord('bench.json', record({ builtinControllersOn: true, namespaces: ['bench-a', 'bench-b'] }));
    const { cluster, calls } = fakeCluster(false, { failNamespaces: ['bench-b'] });
    const { progress, lines } = quietProgress();
    await putRightAfterCrashes(progress, { cluster, here: hereWith() });
    expect(calls).toEqual(['delete bench-a', 'delete bench-b', 'builtin on']);
    expect(lines()[1]).toMatch(/: could not delete namespace bench-b: connection refused$/);
    const left = onDisk('bench');
    expect(left.namespaces).toEqual(['bench-b']);
    expect(left.builtinControllersOn).toBeUndefined();
  });

  it('throws when the built-ins could not be switched back, and the record stays for the next try', async () => {
    const before = JSON.stringify(record());
    writeRecord('bench.json', before);
    const { cluster } = fakeCluster(false, { failSwitch: true });
    const { progress } = quietProgress();
    const attempt = putRightAfterCrashes(progress, { cluster, here: hereWith() });
    await expect(attempt).rejects.toBeInstanceOf(LabError);
    await expect(attempt).rejects.toThrow(/could not put back what lab bench \(pid 4242.*\) left: kube-controller-manager did not come back/);
    await expect(attempt).rejects.toMatchObject({ fix: expect.stringContaining(`${undoRecordPath('bench')} stays`) });
    expect(readFileSync(undoRecordPath('bench'), 'utf8')).toBe(before);
  });

  it('puts the latest record right first, so the earliest one (the state the person left) wins', async () => {
    writeRecord('bench.json', record({ startedAt: '2026-12-03T09:00:00.000Z', builtinControllersOn: true, namespaces: [] }));
    writeRecord('compare.json', record({ command: 'compare', pid: 5151, startedAt: '2026-12-03T11:00:00.000Z', builtinControllersOn: false, namespaces: [] }));
    const { cluster, calls, state } = fakeCluster(true);
    const { progress } = quietProgress();
    await putRightAfterCrashes(progress, { cluster, here: hereWith() });
    expect(calls).toEqual(['builtin off', 'builtin on']);
    expect(state.deploymentController).toBe(true);
  });

  it('has nothing to do without an undo folder', async () => {
    const { cluster, calls } = fakeCluster(false);
    const { progress, lines } = quietProgress();
    await putRightAfterCrashes(progress, { cluster, here: hereWith() });
    expect(calls).toEqual([]);
    expect(lines()).toEqual([]);
  });
});

describe('an explicit switch, and a new cluster', () => {
  useTempLabDirs('lab-undo-');

  it('`lab controllers builtin` and `lab demo` put right the namespaces a dead command left but not its built-in state: the switch being made wins', async () => {
    writeRecord('bench.json', record({ builtinControllersOn: true, namespaces: ['bench-rollout'] }));
    const { cluster, calls } = fakeCluster(false);
    const { progress, lines } = quietProgress();
    await putRightAfterCrashes(progress, { cluster, here: hereWith(), builtinControllers: 'being set' });
    expect(calls).toEqual(['delete bench-rollout']);
    expect(lines()[0]).toMatch(/lab bench \(pid 4242.*ended without cleaning up; its built-in controllers \(on before it\) are left to this command$/);
    expect(readUndoRecords()).toEqual([]);
  });

  it('a cluster made anew drops the records of dead commands and keeps a running one\'s', () => {
    writeRecord('bench.json', record({ pid: 4242 }));
    writeRecord('compare.json', record({ command: 'compare', pid: 5151 }));
    expect(discardGoneRecords(hereWith([5151]))).toEqual([undoRecordPath('bench')]);
    expect(readUndoRecords().map((r) => r.file)).toEqual([undoRecordPath('compare')]);
  });
});

describe('simulated nodes a bench added', () => {
  useTempLabDirs('lab-undo-');

  it('plans to remove only those added since the record began, and nothing when it added none', () => {
    expect(planUndo(record({ simulatedNodesBefore: 3 }), undefined, 503).removeSimulatedNodes).toBe(500);
    expect(planUndo(record({ simulatedNodesBefore: 3 }), undefined, 3).removeSimulatedNodes).toBeUndefined();
    expect(planUndo(record(), undefined, 503).removeSimulatedNodes).toBeUndefined();
  });

  it('records the count before the first add, and Ctrl-C removes what was added since', async () => {
    const { cluster, calls, state } = fakeCluster(false, { simulated: 2 });
    const { progress, lines } = quietProgress();
    const journal = openUndoJournal('bench', hereWith());
    await journal.addingSimulatedNodes(async () => void (state.simulated += 100), cluster);
    await journal.addingSimulatedNodes(async () => void (state.simulated += 400), cluster);
    expect(onDisk('bench').simulatedNodesBefore).toBe(2);
    expect(interruptMessage(journal.record)).toContain('the simulated nodes it added');
    await journal.putBack(progress, cluster);
    expect(calls).toEqual(['remove 500 simulated']);
    expect(state.simulated).toBe(2);
    expect(lines()).toEqual(['lab bench: removing the 500 simulated nodes it added']);
    expect(existsSync(journal.file)).toBe(false);
  });

  it('forgets the count once the bench has removed its nodes itself', async () => {
    const { cluster, state } = fakeCluster(false, { simulated: 0 });
    const journal = openUndoJournal('bench', hereWith());
    await journal.addingSimulatedNodes(async () => void (state.simulated += 10), cluster);
    await journal.removingSimulatedNodes(async () => void (state.simulated -= 10));
    expect(onDisk('bench').simulatedNodesBefore).toBeUndefined();
    expect(journal.close()).toEqual([]);
    expect(existsSync(journal.file)).toBe(false);
  });
});

describe('ClusterRoleBindings and cordons', () => {
  useTempLabDirs('lab-undo-');

  it('lists each name once, and drops an optional list once it empties (namespaces stay, empty)', () => {
    const r = withListed(record({ namespaces: [] }), 'clusterRoleBindings', ['a', 'b', 'a']);
    expect(r.clusterRoleBindings).toEqual(['a', 'b']);
    expect(withListed(r, 'clusterRoleBindings', ['b'])).toBe(r);
    expect(withUnlisted(r, 'clusterRoleBindings', ['a']).clusterRoleBindings).toEqual(['b']);
    expect('clusterRoleBindings' in withUnlisted(r, 'clusterRoleBindings', ['a', 'b'])).toBe(false);
    expect(withUnlisted(record(), 'namespaces', ['bench-rollout']).namespaces).toEqual([]);
    expect(withUnlisted(r, 'cordonedNodes', ['x'])).toBe(r);
  });

  it('writes a binding and a cordon down before making them, and forgets them once undone by the command', async () => {
    const journal = openUndoJournal('bench', hereWith());
    let seen: UndoRecord | undefined;
    await journal.clusterRoleBindings(['bench-kube-scheduler:kube-scheduler'], async () => void (seen = onDisk('bench')));
    expect(seen!.clusterRoleBindings).toEqual(['bench-kube-scheduler:kube-scheduler']);
    await journal.cordoning('lab-worker', async () => void (seen = onDisk('bench')));
    expect(seen!.cordonedNodes).toEqual(['lab-worker']);
    expect(interruptMessage(journal.record)).toContain('0 namespaces, 1 ClusterRoleBinding, uncordoning lab-worker');
    journal.clusterRoleBindingsGone(['bench-kube-scheduler:kube-scheduler']);
    journal.uncordoned('lab-worker');
    expect(onDisk('bench')).not.toHaveProperty('clusterRoleBindings');
    expect(onDisk('bench')).not.toHaveProperty('cordonedNodes');
    expect(journal.close()).toEqual([]);
    expect(existsSync(journal.file)).toBe(false);
  });

  it('after a kill, the next start deletes the bindings and uncordons the node, and keeps only what failed', async () => {
    writeRecord('compare.json', record({ command: 'compare', builtinControllersOn: undefined, namespaces: [], clusterRoleBindings: ['b1', 'b2'], cordonedNodes: ['lab-worker2'] }));
    const { cluster, calls } = fakeCluster(false, { failBindings: ['b2'] });
    const { progress, lines } = quietProgress();
    await putRightAfterCrashes(progress, { cluster, here: hereWith() });
    expect(calls).toEqual(['delete clusterrolebinding b1', 'delete clusterrolebinding b2', 'uncordon lab-worker2']);
    expect(lines().map((l) => l.replace(/^.*cleaning up: /, ''))).toEqual(['deleted ClusterRoleBinding b1', 'could not delete ClusterRoleBinding b2: Forbidden', 'uncordoned node lab-worker2']);
    const [left] = readUndoRecords();
    expect(left).toMatchObject({ record: { namespaces: [], clusterRoleBindings: ['b2'] } });
    expect((left as { record: UndoRecord }).record).not.toHaveProperty('cordonedNodes');
  });
});

describe('finish: the command puts the cluster back itself', () => {
  useTempLabDirs('lab-undo-');

  it('undoes what is still recorded, as Ctrl-C would, and the record goes', async () => {
    const { cluster, calls, state } = fakeCluster(false, { simulated: 0 });
    const { progress, lines } = quietProgress();
    const journal = openUndoJournal('bench', hereWith());
    journal.recordBuiltinControllers(true);
    await journal.namespace('bench-rollout', async () => {});
    await journal.clusterRoleBindings(['crb'], async () => {});
    await journal.addingSimulatedNodes(async () => void (state.simulated += 10), cluster);
    expect(await journal.finish(progress, cluster)).toBeUndefined();
    expect(calls).toEqual(['remove 10 simulated', 'delete bench-rollout', 'delete clusterrolebinding crb', 'builtin on']);
    expect(lines().at(-1)).toBe('lab bench: the built-in Deployment and ReplicaSet controllers were on before it; switching them back on');
    expect(existsSync(journal.file)).toBe(false);
    expect(journal.record.namespaces).toEqual([]);
  });

  it('switches nothing when the built-ins are already as they were, and keeps what it could not delete', async () => {
    const { cluster, calls } = fakeCluster(true, { failNamespaces: ['bench-b'] });
    const { progress } = quietProgress();
    const journal = openUndoJournal('bench', hereWith());
    journal.recordBuiltinControllers(true);
    await journal.namespace('bench-a', async () => {});
    await journal.namespace('bench-b', async () => {});
    const left = await journal.finish(progress, cluster);
    expect(calls).toEqual(['delete bench-a', 'delete bench-b']);
    expect(left?.namespaces).toEqual(['bench-b']);
    expect(onDisk('bench').namespaces).toEqual(['bench-b']);
    expect(onDisk('bench')).not.toHaveProperty('builtinControllersOn');
  });

  it('when the built-ins cannot be switched back it throws, and the whole record stays', async () => {
    const { cluster } = fakeCluster(false, { failSwitch: true });
    const { progress } = quietProgress();
    const journal = openUndoJournal('compare', hereWith());
    journal.recordBuiltinControllers(true);
    await journal.namespace('compare-builtin-x', async () => {});
    await expect(journal.finish(progress, cluster)).rejects.toThrow(/did not come back/);
    expect(onDisk('compare')).toMatchObject({ builtinControllersOn: true, namespaces: ['compare-builtin-x'] });
  });
});
