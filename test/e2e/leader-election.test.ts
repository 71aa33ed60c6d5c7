import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBuiltinControllers, setBuiltinControllers } from '../../lab/cluster/builtin-controllers.js';
import { adminKubeconfigPath } from '../../lab/cluster/paths.js';
import { createInformer, type Informer } from '../../controllers/shared/informer.js';
import { clientsFor, loadKubeConfig } from '../../controllers/shared/kube.js';
import { freshNamespace, kubectl, kubectlJson, lab, startLabRun, waitFor, type LabRunProcess } from './support.js';
import { workloadDeployment } from '../../lab/cluster/workload-image.js';

/**
 * Issue 12: one writer at a time. Two `lab run` processes against the same cluster, each as its
 * own process as a learner starts them: one leads every component, the other waits; a rollout
 * stays within replicas + maxSurge and no pod is created twice; SIGKILL of the leader mid-rollout
 * hands over after the lease expires, a clean stop hands over at once; demo refuses to be a
 * second writer. Peak pods are counted by a separate watch, as pods without a deletionTimestamp.
 */
const ns = 'e2e-leader';
const ALL = ['deployment-controller', 'replicaset-controller', 'scheduler'];
const REPLICAS = 10;
const MAX_SURGE = 3; // 25 % of 10, rounded up
const BOUND = REPLICAS + MAX_SURGE;

interface Deployment {
  status: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number };
}
interface Status {
  leaders: Array<{ lease: string; holder: string; held: boolean; transitions: number }>;
  labProcesses: Array<{ pid: number; identity: string; alive: boolean; command: string }>;
}

/** Every pod of the namespace ever seen (by uid) and the peak alive at once. */
class PodCensus {
  private informer: Informer<V1Pod>;
  readonly seen = new Set<string>();
  peak = 0;
  constructor() {
    const kc = loadKubeConfig(adminKubeconfigPath());
    const { core } = clientsFor(kc, 'k8s-flow-lab/e2e');
    this.informer = createInformer<V1Pod>(kc, { name: 'e2e-leader-pods', path: `/api/v1/namespaces/${ns}/pods`, list: () => core.listNamespacedPod({ namespace: ns }) });
    const count = () => {
      let alive = 0;
      for (const pod of this.informer.list(ns)) {
        if (pod.metadata?.uid) this.seen.add(pod.metadata.uid);
        if (!pod.metadata?.deletionTimestamp) alive++;
      }
      this.peak = Math.max(this.peak, alive);
    };
    this.informer.onAdd(count);
    this.informer.onUpdate(count);
    this.informer.onDelete(count);
  }
  start() { return this.informer.start(); }
  reset() { this.seen.clear(); this.peak = 0; }
  stop() { this.informer.stop(); }
}

function deployment(): string {
  const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  const container = { ready: true, resources: { requests: { cpu: '10m', memory: '8Mi' } } };
  return JSON.stringify(workloadDeployment({ namespace: ns, name: 'web', replicas: REPLICAS, schedulerName: 'lab-scheduler', strategy, container }));
}

async function status(): Promise<Status> {
  const result = await lab(['status', '--output', 'json'], { timeoutMs: 60_000 });
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Status;
}

async function rolledOut(): Promise<void> {
  const result = await kubectl(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=240s'], { timeoutMs: 260_000 });
  expect(result.stdout).toContain('successfully rolled out');
}

async function startRollout(version: string): Promise<void> {
  await kubectl(['-n', ns, 'set', 'env', 'deployment/web', `VERSION=${version}`]);
  await waitFor('rollout under way', async () => {
    const d = await kubectlJson<Deployment>(['-n', ns, 'get', 'deployment', 'web']);
    return (d.status.updatedReplicas ?? 0) >= 1;
  }, 60_000, 200);
}

const leadsAll = (text: string) => ALL.every((name) => text.includes(`${name}: leading`));
const standbyAll = (text: string) => ALL.every((name) => text.includes(`${name}: standby`));

describe('one writer at a time: leader election between two lab processes', () => {
  const census = new PodCensus();
  const traceDir = mkdtempSync(join(tmpdir(), 'lab-leader-'));
  let builtinBefore = true;
  let first: LabRunProcess | undefined;
  let second: LabRunProcess | undefined;
  let third: LabRunProcess | undefined;

  beforeAll(async () => {
    builtinBefore = (await readBuiltinControllers()).deploymentController;
    await setBuiltinControllers(false);
    await freshNamespace(ns);
    await census.start();
  });

  afterAll(async () => {
    census.stop();
    for (const p of [first, second, third]) if (p && p.child.exitCode === null && p.child.signalCode === null) await p.stop('SIGTERM');
    await kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false'], { reject: false });
    if (builtinBefore) await setBuiltinControllers(true);
  });

  it('the first lab leads every component; a second waits as a standby and says who leads', async () => {
    first = await startLabRun([], ALL);
    second = await startLabRun(['--trace', join(traceDir, 'second.jsonl')], ALL, 120_000, standbyAll);
    expect(second.output()).toMatch(new RegExp(`deployment-controller: standby, \\S+ \\(pid ${first.child.pid} on `));
    const s = await status();
    const leader = s.labProcesses.find((p) => p.pid === first!.child.pid)!;
    const standby = s.labProcesses.find((p) => p.pid === second!.child.pid)!;
    expect(leader.alive && standby.alive).toBe(true);
    for (const lease of ['deployment-controller', 'replicaset-controller', 'scheduler-lab-scheduler']) {
      expect(s.leaders.find((l) => l.lease === lease), lease).toMatchObject({ holder: leader.identity, held: true });
    }
    const text = (await lab(['status'], { timeoutMs: 60_000 })).stdout;
    expect(text).toMatch(new RegExp(`pid ${first.child.pid}\\s.*leading deployment-controller`));
    expect(text).toMatch(new RegExp(`pid ${second.child.pid}\\s.*standby; stop: kill ${second.child.pid}`));
  });

  it('with two labs running, a create and a rolling update stay within replicas + maxSurge and create each pod once', async () => {
    census.reset();
    await kubectl(['apply', '-f', '-'], { input: deployment() });
    await rolledOut();
    await startRollout('2');
    await rolledOut();
    process.stderr.write(`[e2e] two labs: peak live pods ${census.peak} (bound ${BOUND}), pods created ${census.seen.size} (create + one update need ${2 * REPLICAS})\n`);
    expect(census.peak).toBeLessThanOrEqual(BOUND);
    expect(census.seen.size).toBe(2 * REPLICAS);
  });

  it('`lab demo` refuses to be a second writer, names the running lab and exits 2', async () => {
    const result = await lab(['demo'], { timeoutMs: 120_000 });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('another lab is already running');
    expect(result.stderr).toContain(`pid ${first!.child.pid}`);
    expect(result.stderr).toMatch(/stop it first/);
    // it refused before touching the cluster: the built-in controllers are still off
    expect((await readBuiltinControllers()).deploymentController).toBe(false);
  });

  it('SIGKILL of the leader mid-rollout: the standby takes over once the lease expires, and the rollout stays within the bound', async () => {
    census.reset();
    await startRollout('3');
    const killedAt = Date.now();
    expect(await first!.stop('SIGKILL')).not.toBe(0);
    await waitFor('the standby leads every component', async () => leadsAll(second!.output()), 90_000, 200);
    const takeoverMs = Date.now() - killedAt;
    await rolledOut();
    process.stderr.write(`[e2e] takeover after SIGKILL: ${(takeoverMs / 1000).toFixed(1)} s; peak live pods ${census.peak} (bound ${BOUND}); pods created ${census.seen.size}\n`);
    // It waited for the lease to expire (15 s, judged from when it last saw a renewal, ≤ 2.4 s
    // before the kill), and did not wait much longer.
    expect(takeoverMs).toBeGreaterThanOrEqual(10_000);
    expect(takeoverMs).toBeLessThanOrEqual(45_000);
    expect(census.peak).toBeLessThanOrEqual(BOUND);
    const d = await kubectlJson<Deployment>(['-n', ns, 'get', 'deployment', 'web']);
    expect(d.status).toMatchObject({ replicas: REPLICAS, updatedReplicas: REPLICAS, availableReplicas: REPLICAS });
    // `lab status` no longer lists the killed process as alive (its pid is gone on this host).
    const s = await status();
    expect(s.labProcesses.find((p) => p.pid === first!.child.pid)?.alive ?? false).toBe(false);
  });

  it('a clean stop releases the leases and a standby takes over at once', async () => {
    third = await startLabRun([], ALL, 120_000, standbyAll);
    const stoppedAt = Date.now();
    expect(await second!.stop('SIGTERM')).toBe(0);
    await waitFor('the third lab leads every component', async () => leadsAll(third!.output()), 60_000, 100);
    const handoverMs = Date.now() - stoppedAt;
    process.stderr.write(`[e2e] takeover after a clean stop: ${(handoverMs / 1000).toFixed(1)} s\n`);
    // A release, not an expiry: well under the 15 s lease duration.
    expect(handoverMs).toBeLessThan(12_000);
    const s = await status();
    const leader = s.labProcesses.find((p) => p.pid === third!.child.pid)!;
    expect(s.leaders.filter((l) => ALL.includes(l.lease) || l.lease === 'scheduler-lab-scheduler').every((l) => l.holder === leader.identity)).toBe(true);
  });

  it('the standby’s trace shows the takeover as decisions, and the Lease writes in the audit and etcd taps', async () => {
    const entries = readFileSync(join(traceDir, 'second.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { tMs: number; tap: string; verb: string; actor: string; object?: { kind: string; name: string }; details?: Record<string, unknown> });
    const decisions = entries.filter((e) => e.tap === 'decision' && e.object?.kind === 'Lease');
    expect(decisions.map((d) => d.verb)).toEqual(expect.arrayContaining(['standby', 'acquire-lease', 'release-lease']));
    const takeover = decisions.find((d) => d.verb === 'acquire-lease' && d.actor === 'deployment-controller');
    expect(takeover?.details?.previousHolder).toBeTruthy();
    const leaseWrites = entries.filter((e) => e.tap === 'audit' && e.object?.kind === 'Lease' && e.object.name === 'deployment-controller');
    expect(leaseWrites.some((e) => e.details?.holder === takeover?.details?.identity), JSON.stringify(leaseWrites.slice(0, 5))).toBe(true);
    // etcd: the stored Lease read back from its protobuf value, renewals (every 2 s) left out.
    const stored = entries.filter((e) => e.tap === 'etcd' && e.object?.kind === 'Lease' && e.object.name === 'deployment-controller');
    expect(stored.some((e) => e.details?.lease === 'acquired' && e.details?.holder === takeover?.details?.identity), JSON.stringify(stored.slice(0, 5))).toBe(true);
    const runSeconds = Math.round(((entries.at(-1)?.tMs ?? 0) - (entries[0]?.tMs ?? 0)) / 1000);
    expect(stored.length, `${stored.length} etcd Lease entries in ${runSeconds} s: renewals leak through`).toBeLessThan(10);
  });
});
