/** The actions on lab processes: which process to kill, the record of started labs (what counts as a lab: run/lab-pids.test.ts). */
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../support/temp-dir.js';
import { actionSchema, describeAction } from '../../../lab/exercises/action-schema.js';
import { leaderProcess, readStartedLabs, startedLabsPath, stopLabLine, writeStartedLabs } from '../../../lab/exercises/lab-processes.js';
import type { LabProcessRecord, LeaderRecord } from '../../../lab/run/presence.js';

const LEADER = 'laptop_aaaaaaaa-1111-4222-8333-444444444444';
const STANDBY = 'laptop_bbbbbbbb-1111-4222-8333-444444444444';

function proc(identity: string, pid: number, host = 'laptop', alive = true): LabProcessRecord {
  return { identity, pid, host, alive, leaseName: `lab-process-${pid}`, startedAt: '2025-01-01T00:00:00Z', components: ['deployment-controller'], command: 'lab run' };
}
const lease = (name: string, holder: string, held = true): LeaderRecord => ({ lease: name, holder, held, transitions: 0 });

describe('leaderProcess', () => {
  const leaders = [lease('deployment-controller', LEADER), lease('replicaset-controller', LEADER), lease('scheduler-lab-scheduler', STANDBY)];
  const processes = [proc(LEADER, 100), proc(STANDBY, 200)];

  it('finds the process holding the Lease on this host, and every Lease it holds', () => {
    expect(leaderProcess({ processes, leaders }, 'deployment-controller', 'laptop', 999)).toEqual({ process: processes[0], leases: ['deployment-controller', 'replicaset-controller'] });
  });

  it('refuses when no lab leads, saying how to start one', () => {
    const none = leaderProcess({ processes: [], leaders: [] }, 'deployment-controller', 'laptop', 999);
    expect(none).toMatchObject({ problem: 'there is no Lease k8s-flow-lab/deployment-controller: no lab has led it on this cluster', fix: expect.stringContaining('npx lab run') });
    expect(leaderProcess({ processes, leaders: [lease('deployment-controller', '', false)] }, 'deployment-controller', 'laptop', 999)).toMatchObject({ problem: 'no lab leads Lease k8s-flow-lab/deployment-controller: it was released' });
    expect(leaderProcess({ processes, leaders: [lease('deployment-controller', LEADER, false)] }, 'deployment-controller', 'laptop', 999)).toMatchObject({ problem: expect.stringContaining("lease expired") });
  });

  it('refuses a holder on another host, naming it and the command to run there', () => {
    const r = leaderProcess({ processes: [proc(LEADER, 100, 'desktop')], leaders }, 'deployment-controller', 'laptop', 999);
    expect(r).toEqual({
      problem: 'Lease k8s-flow-lab/deployment-controller is held by pid 100 on host desktop, not this host (laptop): the lab only signals its own host\'s processes',
      fix: 'kill it there: kill -9 100 on desktop',
    });
  });

  it('refuses a holder without a presence record, one that is gone, and this very process', () => {
    expect(leaderProcess({ processes: [], leaders }, 'deployment-controller', 'laptop', 999)).toMatchObject({ problem: expect.stringContaining('has no presence record') });
    expect(leaderProcess({ processes: [proc(LEADER, 100, 'laptop', false)], leaders }, 'deployment-controller', 'laptop', 999)).toMatchObject({ problem: expect.stringContaining('is already gone') });
    expect(leaderProcess({ processes, leaders }, 'deployment-controller', 'laptop', 100)).toMatchObject({ problem: expect.stringContaining('this very process') });
  });
});

describe('started labs record', () => {
  const tempDir = useTempDir('lab-started-');

  it('round-trips, and a missing or torn file names no process', async () => {
    const path = startedLabsPath(tempDir());
    expect(await readStartedLabs(path)).toEqual([]);
    const lab = { pid: 42, host: 'laptop', startedAt: '2025-01-01T00:00:00Z', trace: '/s/trace/standby.jsonl', log: '/s/exercises/standby-lab.log' };
    await writeStartedLabs(path, [lab]);
    expect(await readStartedLabs(path)).toEqual([lab]);
    await writeFile(path, '[{"pid": 4');
    expect(await readStartedLabs(path)).toEqual([]);
  });
});

describe('lab process actions in exercise files', () => {
  it('parse with their defaults and read as the commands they stand for', () => {
    const start = actionSchema.parse({ type: 'startLab' });
    expect(start).toEqual({ type: 'startLab', timeoutSeconds: 120 });
    expect(describeAction(start, 'ex-x')).toMatch(/^npx lab run --trace <state>\/trace\/standby\.jsonl/);
    const kill = actionSchema.parse({ type: 'killLeader', lease: 'deployment-controller' });
    expect(describeAction(kill, 'ex-x')).toBe('kill -KILL <pid of the lab process holding Lease k8s-flow-lab/deployment-controller>  (npx lab status lists it)');
    expect(actionSchema.parse({ type: 'stopLab' })).toEqual({ type: 'stopLab', timeoutSeconds: 30 });
  });

  it('reject a bad Lease name and an unknown signal', () => {
    expect(actionSchema.safeParse({ type: 'killLeader', lease: 'Deployment Controller' }).success).toBe(false);
    expect(actionSchema.safeParse({ type: 'killLeader', lease: 'deployment-controller', signal: 'SIGHUP' }).success).toBe(false);
  });
});

describe('stopLabLine', () => {
  const outcome = (stoppedBy: 'already gone' | 'SIGTERM' | 'SIGKILL' | 'still running') => ({ pid: 42, command: 'lab run', stoppedBy, waitedMs: 0 });
  it.each([
    ['already gone', 'pid 42 had already stopped'],
    ['SIGTERM', 'stopped pid 42 (SIGTERM: its Leases are released)'],
    ['SIGKILL', 'pid 42 did not stop within 30 s: killed it (its Leases run out in 15 s)'],
    ['still running', 'pid 42 still runs after SIGKILL'],
  ] as const)('%s → %s', (stoppedBy, line) => expect(stopLabLine(outcome(stoppedBy), 30)).toBe(line));
});
