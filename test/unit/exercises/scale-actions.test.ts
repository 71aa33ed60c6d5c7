// The actions the scale exercise adds: a scheduler-only lab in the background, simulated nodes.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { actionSchema, describeAction } from '../../../lab/exercises/action-schema.js';
import { sameRole, type StartedLab } from '../../../lab/exercises/lab-processes.js';
import { missingNodes } from '../../../lab/exercises/node-actions.js';
import { JsonlTraceSource, schedulerTraceFiles, schedulerTracesIn } from '../../../lab/exercises/trace-source.js';
import type { TraceEntry } from '../../../lab/trace/schema.js';

const parse = (value: unknown) => actionSchema.safeParse(value);

describe('startLab with a scheduler', () => {
  it('takes a scheduler file and a name, and says the command a learner would type', () => {
    const action = actionSchema.parse({ type: 'startLab', scheduler: { file: 'examples/schedulers/spread.ts', name: 'lab-spread' } });
    expect(describeAction(action, 'ex-x')).toMatch(/^npx lab run --only scheduler --scheduler examples\/schedulers\/spread.ts --scheduler-name lab-spread --trace <state>\/trace\/scheduler-lab-spread.jsonl &/);
    expect(describeAction(actionSchema.parse({ type: 'startLab' }), 'ex-x')).toMatch(/^npx lab run --trace <state>\/trace\/standby.jsonl/);
  });
  it('refuses a scheduler name that is not a DNS label, and unknown fields', () => {
    expect(parse({ type: 'startLab', scheduler: { file: 'a.ts', name: 'Lab_Spread' } }).success).toBe(false);
    expect(parse({ type: 'startLab', scheduler: { file: '', name: 'lab-spread' } }).success).toBe(false);
    expect(parse({ type: 'startLab', scheduler: { file: 'a.ts', name: 'x', weight: 2 } }).success).toBe(false);
  });
  it('one started lab per role: the standby, and one per scheduler name, on this host', () => {
    const lab = (pid: number, host: string, schedulerName?: string): StartedLab => ({ pid, host, startedAt: '', trace: '', log: '', ...(schedulerName ? { schedulerName } : {}) });
    const labs = [lab(1, 'box'), lab(2, 'box', 'lab-binpack'), lab(3, 'other', 'lab-spread')];
    expect(sameRole(labs, 'box', undefined)?.pid).toBe(1);
    expect(sameRole(labs, 'box', 'lab-binpack')?.pid).toBe(2);
    expect(sameRole(labs, 'box', 'lab-spread')).toBeUndefined(); // that one runs on another host
    expect(sameRole([lab(2, 'box', 'lab-binpack')], 'box', undefined)).toBeUndefined();
  });
});

describe('simulated nodes', () => {
  it('addSimulatedNodes takes 1 to 1000 nodes and optional zones; remove takes nothing', () => {
    expect(describeAction(actionSchema.parse({ type: 'addSimulatedNodes', count: 100, zones: ['zone-a', 'zone-b'] }), 'ex-x')).toBe('npx lab nodes add --simulated 100 --zones zone-a,zone-b');
    expect(describeAction(actionSchema.parse({ type: 'addSimulatedNodes', count: 3 }), 'ex-x')).toBe('npx lab nodes add --simulated 3');
    expect(describeAction(actionSchema.parse({ type: 'removeSimulatedNodes' }), 'ex-x')).toBe('npx lab nodes remove --simulated all');
    for (const count of [0, -1, 1.5, 1001]) expect(parse({ type: 'addSimulatedNodes', count }).success).toBe(false);
    expect(parse({ type: 'removeSimulatedNodes', count: 3 }).success).toBe(false);
  });
  it('adding is idempotent: only what is missing', () => {
    expect(missingNodes(100, 0)).toBe(100);
    expect(missingNodes(100, 40)).toBe(60);
    expect(missingNodes(100, 100)).toBe(0);
    expect(missingNodes(100, 250)).toBe(0);
  });
});

describe('the scheduler-only labs\' trace files', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const T0 = Date.UTC(2026, 0, 1);
  const line = (id: number, ms: number, verb: string): string =>
    JSON.stringify({ schemaVersion: 1, id, tMs: ms, wallTime: new Date(T0 + ms).toISOString(), tap: 'decision', actor: 'scheduler', verb, object: { kind: 'Pod', namespace: 'ex', name: `p-${id}` }, details: {} } satisfies TraceEntry) + '\n';

  it('are read with the session files, found at each read (a lab started after the source was made)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'lab-sched-traces-'));
    const current = join(dir, 'current.jsonl');
    const source = new JsonlTraceSource(current).alsoReading(() => schedulerTracesIn(dir!));
    await writeFile(current, line(1, 0, 'create'));
    expect(await source.entriesSince(new Date(T0))).toHaveLength(1);
    await writeFile(join(dir, 'scheduler-lab-binpack.jsonl'), line(1, 500, 'bind'));
    await writeFile(join(dir, 'previous.jsonl'), line(1, 0, 'delete'));
    expect((await source.entriesSince(new Date(T0)))!.map((e) => e.verb)).toEqual(['create', 'bind']);
  });

  it('are the scheduler-<name>.jsonl files only, in a stable order; a missing directory has none', async () => {
    expect(schedulerTraceFiles(['scheduler-b.jsonl', 'current.jsonl', 'scheduler-a.jsonl', 'scheduler-.jsonl', 'scheduler-a.jsonl.tmp'])).toEqual(['scheduler-a.jsonl', 'scheduler-b.jsonl']);
    expect(await schedulerTracesIn(join(tmpdir(), 'lab-no-such-dir-9f2c'))).toEqual([]);
  });
});
