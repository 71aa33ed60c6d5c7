import { describe, expect, it } from 'vitest';
import { stopPids } from '../../../lab/run/stop.js';

/** Fake processes: each exits some ms after SIGTERM (or never), and always on SIGKILL. */
function world(exitAfterTermMs: Record<number, number | 'never'>) {
  let clock = 0;
  const alive = new Set(Object.keys(exitAfterTermMs).map(Number));
  const termAt = new Map<number, number>();
  const signals: string[] = [];
  const tick = () => {
    for (const [pid, at] of termAt) {
      const after = exitAfterTermMs[pid];
      if (after !== 'never' && after !== undefined && clock - at >= after) alive.delete(pid);
    }
  };
  return {
    signals,
    kill(pid: number, signal: NodeJS.Signals | 0) {
      tick();
      if (!alive.has(pid)) throw Object.assign(new Error('no such process'), { code: 'ESRCH' });
      if (signal === 0) return;
      signals.push(`${signal} ${pid}`);
      if (signal === 'SIGTERM') termAt.set(pid, clock);
      if (signal === 'SIGKILL') alive.delete(pid);
    },
    sleep: async (ms: number) => {
      clock += ms;
    },
    now: () => clock,
  };
}

describe('stopPids', () => {
  it('SIGTERMs every process and waits for each to exit', async () => {
    const w = world({ 10: 400, 11: 1_000 });
    const outcomes = await stopPids([{ pid: 10, command: 'lab run' }, { pid: 11, command: 'lab demo' }], { graceMs: 5_000, ...w });
    expect(outcomes.map((o) => [o.pid, o.stoppedBy])).toEqual([[10, 'SIGTERM'], [11, 'SIGTERM']]);
    expect(outcomes[1]!.waitedMs).toBeGreaterThanOrEqual(1_000);
    expect(w.signals).toEqual(['SIGTERM 10', 'SIGTERM 11']);
  });

  it('SIGKILLs what is still alive after the grace period', async () => {
    const w = world({ 10: 'never', 11: 200 });
    const outcomes = await stopPids([{ pid: 10, command: 'lab run' }, { pid: 11, command: 'lab run' }], { graceMs: 2_000, ...w });
    expect(outcomes.map((o) => [o.pid, o.stoppedBy])).toEqual([[10, 'SIGKILL'], [11, 'SIGTERM']]);
    expect(w.signals).toContain('SIGKILL 10');
    expect(w.signals).not.toContain('SIGKILL 11');
  });

  it('a process already gone is reported stopped without signals failing', async () => {
    const w = world({});
    const outcomes = await stopPids([{ pid: 99, command: 'lab run' }], { graceMs: 1_000, ...w });
    expect(outcomes[0]!.stoppedBy).toBe('SIGTERM');
  });
});
