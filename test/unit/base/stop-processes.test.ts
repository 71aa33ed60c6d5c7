import { describe, expect, it } from 'vitest';
import { stopProcesses, waitForExitOf, type ProcessTable } from '../../../lab/base/stop-processes.js';

/** A process table of pids that exit on the signals given; every kill is recorded, groups as negative pids. */
function fakeTable(procs: Record<number, { exitsOn: Array<NodeJS.Signals>; leader?: boolean }>) {
  const alive = new Set(Object.keys(procs).map(Number));
  const kills: Array<[number, NodeJS.Signals | 0]> = [];
  const table: ProcessTable = {
    kill(pid, signal) {
      kills.push([pid, signal]);
      const target = Math.abs(pid);
      if (pid < 0 && !procs[target]?.leader) throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
      if (!alive.has(target)) throw Object.assign(new Error('ESRCH'), { code: 'ESRCH' });
      if (signal !== 0 && procs[target]!.exitsOn.includes(signal)) alive.delete(target);
    },
    commandLine: (pid) => (alive.has(pid) ? 'registry serve config.yml' : ''),
  };
  return { table, kills, alive };
}

const clock = () => {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
};
const runs = (pid: number, table: ProcessTable) => table.commandLine(pid) !== '';

describe('stopProcesses (the one SIGTERM-then-SIGKILL routine)', () => {
  it('SIGTERM to the process group of a detached leader; it exits at once', async () => {
    const { table, kills } = fakeTable({ 41: { exitsOn: ['SIGTERM'], leader: true } });
    const [outcome] = await stopProcesses([{ pid: 41, command: 'registry' }], { runs, graceMs: 1000, group: true, table, ...clock() });
    expect(outcome).toMatchObject({ pid: 41, stoppedBy: 'SIGTERM' });
    expect(kills).toEqual([[-41, 'SIGTERM']]);
  });

  it('falls back to the pid when it leads no group', async () => {
    const { table, kills } = fakeTable({ 42: { exitsOn: ['SIGTERM'] } });
    const [outcome] = await stopProcesses([{ pid: 42, command: 'x' }], { runs, graceMs: 1000, group: true, table, ...clock() });
    expect(outcome!.stoppedBy).toBe('SIGTERM');
    expect(kills).toEqual([[-42, 'SIGTERM'], [42, 'SIGTERM']]);
  });

  it('SIGKILL after the grace period for one that ignores SIGTERM, and says how long it waited', async () => {
    const { table, kills } = fakeTable({ 43: { exitsOn: ['SIGKILL'] } });
    const [outcome] = await stopProcesses([{ pid: 43, command: 'stubborn' }], { runs, graceMs: 1000, table, ...clock() });
    expect(outcome).toMatchObject({ stoppedBy: 'SIGKILL' });
    expect(outcome!.waitedMs).toBeGreaterThanOrEqual(1000);
    expect(kills.map(([, s]) => s)).toEqual(['SIGTERM', 'SIGKILL']);
  });

  it('"still running" when even SIGKILL does not end it within killWaitMs', async () => {
    const { table } = fakeTable({ 44: { exitsOn: [] } });
    const [outcome] = await stopProcesses([{ pid: 44, command: 'unkillable' }], { runs, graceMs: 400, killWaitMs: 400, table, ...clock() });
    expect(outcome!.stoppedBy).toBe('still running');
  });

  it('a pid the predicate does not recognise is never signalled', async () => {
    const { table, kills } = fakeTable({ 45: { exitsOn: ['SIGTERM'] } });
    const [outcome] = await stopProcesses([{ pid: 45, command: 'reused' }], { runs: () => false, graceMs: 1000, table, ...clock() });
    expect(outcome).toEqual({ pid: 45, command: 'reused', stoppedBy: 'already gone', waitedMs: 0 });
    expect(kills).toEqual([]);
  });

  it('waitForExitOf: true once the predicate says gone, false at the timeout', async () => {
    const { table, alive } = fakeTable({ 46: { exitsOn: [] } });
    expect(await waitForExitOf(46, runs, 1000, { table, ...clock() })).toBe(false);
    alive.delete(46);
    expect(await waitForExitOf(46, runs, 1000, { table, ...clock() })).toBe(true);
  });
});
