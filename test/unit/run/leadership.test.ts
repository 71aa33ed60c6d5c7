import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import type { V1Lease } from '@kubernetes/client-node';
import { decisionForElection, fencedClient, leaseNameFor, NotLeaderError } from '../../../lab/run/leadership.js';
import { describeActivity, howToStop, humanDuration, leaderFromLease, pidAlive, processFromLease, processLeaseName, withSchedulerNamesFromLeases } from '../../../lab/run/presence.js';
import { AnotherLabRunningError, refuseIfAlive } from '../../../lab/run/another-lab.js';
import { exitCodeOf } from '../../../lab/base/errors.js';

const NOW = new Date('2026-12-02T10:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

function processLease(over: { renewed?: number; pid?: number; host?: string; identity?: string; schedulerName?: string } = {}): V1Lease {
  return {
    metadata: {
      name: 'lab-process-x',
      annotations: {
        'k8s-flow-lab/pid': String(over.pid ?? 4242),
        'k8s-flow-lab/host': over.host ?? 'laptop',
        'k8s-flow-lab/started': ago(60_000),
        'k8s-flow-lab/components': 'deployment-controller,scheduler',
        'k8s-flow-lab/command': 'lab run',
        ...(over.schedulerName ? { 'k8s-flow-lab/scheduler-name': over.schedulerName } : {}),
      },
    },
    spec: { holderIdentity: over.identity ?? 'laptop_abc', leaseDurationSeconds: 15, renewTime: ago(over.renewed ?? 1_000) as unknown as Date },
  };
}

describe('lease names', () => {
  it('uses upstream’s controller names and one Lease per scheduler name', () => {
    expect(leaseNameFor('deployment')).toBe('deployment-controller');
    expect(leaseNameFor('replicaset')).toBe('replicaset-controller');
    expect(leaseNameFor('scheduler', 'bin-packer')).toBe('scheduler-bin-packer');
    expect(processLeaseName('laptop_1B2C-3d')).toBe('lab-process-1b2c-3d');
  });
});

describe('fencedClient', () => {
  it('passes reads always and writes only while leading', async () => {
    let leading = true;
    const api = { readNamespacedPod: async () => 'read', createNamespacedPod: async () => 'created', deleteNamespacedPod: async () => 'deleted' };
    const fenced = fencedClient(api, () => leading, 'replicaset-controller');
    expect(await fenced.createNamespacedPod()).toBe('created');
    leading = false;
    expect(await fenced.readNamespacedPod()).toBe('read');
    await expect(fenced.createNamespacedPod()).rejects.toBeInstanceOf(NotLeaderError);
    await expect(fenced.deleteNamespacedPod()).rejects.toThrow(/no longer holds Lease k8s-flow-lab\/replicaset-controller/);
  });
});

describe('decisionForElection', () => {
  it('tells a takeover, a standby, a loss and a release as trace decisions on the Lease', () => {
    const d = (e: Parameters<typeof decisionForElection>[3]) => decisionForElection('deployment-controller', 'deployment-controller', 'me_1', e);
    expect(d({ type: 'acquired', takeover: true, previousHolder: 'old_9', transitions: 2 })).toMatchObject({
      component: 'deployment-controller',
      object: { kind: 'Lease', namespace: 'k8s-flow-lab', name: 'deployment-controller' },
      verb: 'acquire-lease',
      reason: expect.stringContaining('took over from old_9'),
      details: { identity: 'me_1', previousHolder: 'old_9', transitions: 2 },
    });
    expect(d({ type: 'acquired', takeover: true, previousHolder: '', transitions: 0 })!.reason).toMatch(/nobody held/);
    expect(d({ type: 'standby', holder: 'old_9', expiresInMs: 14_200 })).toMatchObject({ verb: 'standby', reason: expect.stringContaining('≤ 15 s') });
    expect(d({ type: 'lost', reason: 'no renewal succeeded within 10 s (renew deadline)' })).toMatchObject({ verb: 'lose-lease' });
    expect(d({ type: 'released' })).toMatchObject({ verb: 'release-lease' });
    expect(d({ type: 'error', message: 'x' })).toBeUndefined();
  });
});

describe('presence records', () => {
  it('a record of an older lab (no scheduler name) gets it from the scheduler Lease its process holds', () => {
    const old = processFromLease(processLease({ identity: 'laptop_abc' }), NOW, 'laptop', () => true);
    const lease = (name: string, holder: string, held = true) => ({ lease: name, holder, transitions: 0, held });
    expect(withSchedulerNamesFromLeases([old], [lease('deployment-controller', 'laptop_abc'), lease('scheduler-lab-binpack', 'laptop_abc')])[0]!.schedulerName).toBe('lab-binpack');
    expect(withSchedulerNamesFromLeases([old], [lease('scheduler-lab-binpack', 'other_1')])[0]).not.toHaveProperty('schedulerName');
    expect(withSchedulerNamesFromLeases([old], [lease('scheduler-lab-binpack', 'laptop_abc', false)])[0]).not.toHaveProperty('schedulerName');
  });

  it('carries the scheduler name it serves, and none for a record of an older lab', () => {
    expect(processFromLease(processLease({ schedulerName: 'lab-binpack' }), NOW, 'laptop', () => true).schedulerName).toBe('lab-binpack');
    expect(processFromLease(processLease(), NOW, 'laptop', () => true)).not.toHaveProperty('schedulerName');
  });

  it('a record renewed within its duration whose pid lives is alive', () => {
    expect(processFromLease(processLease(), NOW, 'laptop', () => true)).toMatchObject({ alive: true, pid: 4242, host: 'laptop', components: ['deployment-controller', 'scheduler'], command: 'lab run' });
  });

  it('is gone when not renewed for its duration, or when its pid died on this host', () => {
    expect(processFromLease(processLease({ renewed: 16_000 }), NOW, 'laptop', () => true).alive).toBe(false);
    expect(processFromLease(processLease(), NOW, 'laptop', () => false).alive).toBe(false);
    // another host's pid cannot be checked from here: freshness decides
    expect(processFromLease(processLease({ host: 'pc-12' }), NOW, 'laptop', () => false).alive).toBe(true);
  });

  it('pidAlive: ESRCH is dead, EPERM exists', () => {
    expect(pidAlive(process.pid)).toBe(true);
    expect(pidAlive(7, () => { throw Object.assign(new Error(), { code: 'ESRCH' }); })).toBe(false);
    expect(pidAlive(7, () => { throw Object.assign(new Error(), { code: 'EPERM' }); })).toBe(true);
    expect(pidAlive(NaN)).toBe(false);
  });

  it('says how to stop a process here or elsewhere', () => {
    expect(howToStop({ pid: 12, host: 'a' }, 'a')).toBe('kill 12');
    expect(howToStop({ pid: 12, host: 'b' }, 'a')).toMatch(/on b/);
  });
});

describe('describeActivity', () => {
  it('lists each Lease’s leader with how long it has led, and each process as leading, standby or gone', () => {
    const leader = leaderFromLease(
      { metadata: { name: 'deployment-controller' }, spec: { holderIdentity: 'laptop_abc', leaseDurationSeconds: 15, acquireTime: ago(125_000) as unknown as Date, renewTime: ago(1_000) as unknown as Date, leaseTransitions: 1 } },
      NOW,
    );
    const expired = leaderFromLease({ metadata: { name: 'replicaset-controller' }, spec: { holderIdentity: 'dead_1', leaseDurationSeconds: 15, renewTime: ago(30_000) as unknown as Date, leaseTransitions: 0 } }, NOW);
    const leading = processFromLease(processLease(), NOW, 'laptop', () => true);
    const standby = { ...processFromLease(processLease({ identity: 'laptop_def', pid: 5000 }), NOW, 'laptop', () => true), leaseName: 'lab-process-def' };
    const gone = { ...processFromLease(processLease({ identity: 'laptop_zzz', pid: 6000, renewed: 60_000 }), NOW, 'laptop', () => true) };
    const text = describeActivity({ leaders: [leader, expired], processes: [leading, standby, gone] }, NOW, 'laptop').join('\n');
    expect(text).toContain('deployment-controller');
    expect(text).toMatch(/laptop_abc \(pid 4242 on laptop\), leading for 2 min 5 s, 1 transition\b/);
    expect(text).toMatch(/replicaset-controller\s+nobody: dead_1's lease expired/);
    expect(text).toMatch(/pid 4242 .*leading deployment-controller; stop: kill 4242/);
    expect(text).toMatch(/pid 5000 .*standby; stop: kill 5000/);
    expect(text).toMatch(/pid 6000 .*gone/);
  });

  it('humanDuration', () => {
    expect(humanDuration(4_400)).toBe('4 s');
    expect(humanDuration(125_000)).toBe('2 min 5 s');
    expect(humanDuration(3_726_000)).toBe('1 h 2 min');
  });
});

describe('AnotherLabRunningError', () => {
  it('names the running process, says how to stop it, and exits 2', () => {
    const running = processFromLease(processLease(), NOW, 'laptop', () => true);
    const err = new AnotherLabRunningError([running]);
    expect(err.message).toContain('pid 4242 on laptop (lab run');
    expect(err.fix).toMatch(/stop it first/);
    expect(exitCodeOf(err)).toBe(2);
  });
});

describe('refuseIfAlive', () => {
  it('refuses for another alive lab, never for a gone one or for this very process', () => {
    const other = processFromLease(processLease(), NOW, 'laptop', () => true);
    const gone = processFromLease(processLease({ renewed: 60_000 }), NOW, 'laptop', () => true);
    expect(() => refuseIfAlive([other])).toThrow(AnotherLabRunningError);
    expect(() => refuseIfAlive([gone])).not.toThrow();
    expect(() => refuseIfAlive([{ ...other, pid: process.pid, host: hostname() }])).not.toThrow();
  });
});
