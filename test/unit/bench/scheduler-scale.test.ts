import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { benchBindings, benchLeaseBinding, benchObjects, describeComponentPod } from '../../../lab/bench/bench-component-pod.js';
import { LAB_NAMESPACE } from '../../../lab/run/components.js';
import { leaseNameFor } from '../../../lab/run/leadership.js';
import { BENCH_KCM_MARKER, benchKubeControllerManager } from '../../../lab/bench/bench-kube-controller-manager.js';
import { benchKubeScheduler, benchSchedulerConfig, BENCH_KUBE_SCHEDULER_MARKER } from '../../../lab/bench/bench-kube-scheduler.js';
import { labSchedulerArgs, nodeFlags } from '../../../lab/bench/lab-run-process.js';
import { MEASUREMENT_IDS } from '../../../lab/bench/measurements/index.js';
import { parseProcessStats } from '../../../lab/bench/process-stats.js';
import { allScaleRows, describeRates, parseNodeCounts, recordSide, refillMs, scaleRows, sideOrder } from '../../../lab/bench/scheduler-scale.js';

const STATUS = 'Name:\tnode\nVmPeak:\t 1200000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t11\n';

describe('parseProcessStats', () => {
  it('utime + stime in USER_HZ from /proc/<pid>/stat, VmRSS and VmHWM from status', () => {
    // fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
    const stat = '4242 (node) S 1 4242 4242 0 -1 4194560 900 0 3 0 250 130 0 0 20 0 11 0 100 1000 2000';
    expect(parseProcessStats(stat, STATUS)).toEqual({ cpuSeconds: 3.8, rssMiB: 100, peakRssMiB: 200 });
  });

  it('a command name with spaces and parentheses does not shift the fields', () => {
    const stat = '77 (kube (sched) er) R 1 77 77 0 -1 0 0 0 0 0 1000 500 0 0';
    expect(parseProcessStats(stat, STATUS)?.cpuSeconds).toBe(15);
  });

  it('a truncated stat or a status without VmHWM (a kernel thread, a process gone) gives nothing', () => {
    expect(parseProcessStats('77 (x) R 1 2', STATUS)).toBeUndefined();
    expect(parseProcessStats('4242 (node) S 1 4242 4242 0 -1 4194560 900 0 3 0 250 130', 'VmRSS:\t 10 kB\n')).toBeUndefined();
  });
});

describe('the bench kube-scheduler', () => {
  it('at client limits: clientConnection as kube-scheduler reads it; no leader election; the profile names it', () => {
    const config = JSON.parse(benchSchedulerConfig('bench-kube-scheduler', { qps: 50, burst: 100 }));
    expect(config).toMatchObject({ apiVersion: 'kubescheduler.config.k8s.io/v1', kind: 'KubeSchedulerConfiguration', clientConnection: { qps: 50, burst: 100 }, leaderElection: { leaderElect: false } });
    expect(config.profiles).toEqual([{ schedulerName: 'bench-kube-scheduler' }]);
  });

  it('unthrottled: a negative qps, which client-go takes as no rate limiter (a 0 would mean its default of 5)', () => {
    expect(JSON.parse(benchSchedulerConfig('s', undefined)).clientConnection.qps).toBeLessThan(0);
  });

  it('the pod: placed directly on the worker, the control plane image, the config mounted, no serving port', () => {
    const { pod, configMap } = benchObjects(benchKubeScheduler('b', 's', undefined), 'registry.k8s.io/kube-scheduler:v1.34.4', 'lab-worker', 900);
    expect(pod.spec?.activeDeadlineSeconds).toBe(900);
    expect(pod.spec?.nodeName).toBe('lab-worker');
    const container = pod.spec!.containers[0]!;
    expect(container.image).toBe('registry.k8s.io/kube-scheduler:v1.34.4');
    expect(container.imagePullPolicy).toBe('IfNotPresent');
    expect(container.command).toContain(BENCH_KUBE_SCHEDULER_MARKER);
    expect(container.command).toContain('--secure-port=0');
    expect(pod.spec?.volumes?.[0]?.configMap?.name).toBe(configMap?.metadata?.name);
    expect(JSON.parse(configMap!.data!['config.yaml']!).profiles[0].schedulerName).toBe('s');
  });

  it("is bound to kube-scheduler's two roles, as kubeadm binds the control plane's", () => {
    const bindings = benchBindings(benchKubeScheduler('bench-kube-scheduler', 's', undefined));
    expect(bindings.map((b) => b.roleRef.name)).toEqual(['system:kube-scheduler', 'system:volume-scheduler']);
    expect(bindings.every((b) => b.subjects?.[0]?.namespace === 'bench-kube-scheduler')).toBe(true);
    expect(new Set(bindings.map((b) => b.metadata?.name)).size).toBe(2);
  });
});

describe("a bench component's state, for an error", () => {
  const pod = (containerStatuses: object[] | undefined, phase = 'Running') => ({ metadata: { name: 'bench-kube-controller-manager', namespace: 'bench-kube-controller-manager' }, status: { phase, containerStatuses } }) as never;

  it('running, with the end of its log: what it was doing', () => {
    const text = describeComponentPod(pod([{ state: { running: {} }, restartCount: 0 }]), 'I1205 leaderelection.go:257] attempting to acquire leader lease k8s-flow-lab/replicaset-controller...\n');
    expect(text).toBe('its pod bench-kube-controller-manager/bench-kube-controller-manager is Running, its container running; the end of its log:\n    I1205 leaderelection.go:257] attempting to acquire leader lease k8s-flow-lab/replicaset-controller...');
  });

  it('waiting, crashed and restarted, or not created: says which, and an empty log', () => {
    expect(describeComponentPod(pod([{ state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } }, restartCount: 3 }]), '')).toBe('its pod bench-kube-controller-manager/bench-kube-controller-manager is Running, its container waiting (CrashLoopBackOff: back-off 40s), restarted 3 times; its log is empty');
    expect(describeComponentPod(pod([{ state: { terminated: { exitCode: 2, reason: 'Error' } } }], 'Failed'), undefined)).toContain('is Failed, its container exited with code 2 (Error); its log is empty');
    expect(describeComponentPod(pod(undefined, 'Pending'), undefined)).toContain('is Pending, its container not created yet');
  });
});

describe('the bench kube-controller-manager', () => {
  it('runs only the ReplicaSet controller, unserved, under its own identity with its role; the limits as flags', () => {
    const kcm = benchKubeControllerManager('bench-kcm', { qps: 20, burst: 30 });
    expect(kcm.command).toEqual(expect.arrayContaining([BENCH_KCM_MARKER, '--secure-port=0', '--use-service-account-credentials=false', '--kube-api-qps=20', '--kube-api-burst=30']));
    expect(benchBindings(kcm).map((b) => [b.roleRef.name, b.metadata?.name])).toEqual([['system:controller:replicaset-controller', 'k8s-flow-lab-bench-kube-controller-manager-replicaset-controller']]);
    const { pod, configMap } = benchObjects(kcm, 'registry.k8s.io/kube-controller-manager:v1.34.4', 'lab-worker2', 900);
    expect(configMap).toBeUndefined();
    expect(pod.spec?.volumes).toBeUndefined();
    expect(pod.spec?.serviceAccountName).toBe('bench-kube-controller-manager');
  });

  it("leads by the lab's ReplicaSet controller's Lease, allowed by the Role the lab's manifests give that controller", () => {
    const kcm = benchKubeControllerManager('bench-kcm', undefined);
    expect(kcm.command).toEqual(expect.arrayContaining(['--leader-elect=true', '--leader-elect-resource-lock=leases', `--leader-elect-resource-namespace=${LAB_NAMESPACE}`, `--leader-elect-resource-name=${leaseNameFor('replicaset')}`]));
    expect(kcm.command).not.toContain('--leader-elect=false');
    const binding = benchLeaseBinding(kcm);
    expect(binding?.metadata?.namespace).toBe(LAB_NAMESPACE);
    expect(binding?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'bench-kube-controller-manager', namespace: 'bench-kcm' }]);
    const manifests = parseAllDocuments(readFileSync('manifests/rbac/replicaset-controller.yaml', 'utf8')).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; rules?: Array<{ resources: string[]; verbs: string[] }> });
    const role = manifests.find((m) => m.kind === 'Role' && m.metadata.name === binding?.roleRef.name && m.metadata.namespace === LAB_NAMESPACE);
    expect(role?.rules?.some((r) => r.resources.includes('leases') && ['get', 'create', 'update'].every((v) => r.verbs.includes(v)))).toBe(true);
    // A scheduler's bench component serves its own scheduler name and needs no Lease of the lab's.
    expect(benchLeaseBinding(benchKubeScheduler('bench-kube-scheduler', 's', undefined))).toBeUndefined();
  });

  it('a pod left by a killed bench ends by itself: its deadline covers one side (start, two waits) and a margin', async () => {
    const { componentLifetimeSeconds } = await import('../../../lab/bench/bench-component-pod.js');
    expect(componentLifetimeSeconds(300_000, 180_000)).toBe(900);
  });

  it('unthrottled: a negative qps (client-go: no limiter)', () => {
    expect(benchKubeControllerManager('n', undefined).command).toContain('--kube-api-qps=-1');
  });
});

describe("the lab's scheduler process", () => {
  it('lab run --only scheduler with its own name; the limits as kube-controller-manager spells them', () => {
    expect(labSchedulerArgs('bench-lab-scheduler', { qps: 50, burst: 100 })).toEqual(['run', '--only', 'scheduler', '--scheduler-name', 'bench-lab-scheduler', '--kube-api-qps', '50', '--kube-api-burst', '100']);
    expect(labSchedulerArgs('x', undefined)).not.toContain('--kube-api-qps');
  });

  it('a CPU profile only when asked for, named after the run', () => {
    expect(nodeFlags(undefined, 't')).toEqual([]);
    expect(nodeFlags('/tmp/p', 'lab-100-qps')).toEqual(['--cpu-prof', '--cpu-prof-dir', '/tmp/p', '--cpu-prof-name', 'lab-100-qps.cpuprofile']);
  });
});

describe('sched-scale rows', () => {
  it('five rows per node count and mode, ids naming both; --only knows sched-scale', () => {
    expect(MEASUREMENT_IDS).toContain('sched-scale');
    const ids = allScaleRows([10, 500]).map((r) => r.id);
    expect(ids).toHaveLength(20);
    expect(ids.slice(0, 5)).toEqual(['sched-scale-10-qps', 'sched-scale-10-qps-p50', 'sched-scale-10-qps-p99', 'sched-scale-10-qps-cpu', 'sched-scale-10-qps-rss']);
    expect(ids).toContain('sched-scale-500-unthrottled-rss');
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('records CPU as the window difference and the peak RSS as read after', () => {
    const rows = scaleRows(100, 'qps');
    recordSide(rows, 'lab', { sample: { podsPerSecond: 30, p50Ms: 200, p99Ms: 900 }, before: { cpuSeconds: 10, rssMiB: 90, peakRssMiB: 95 }, after: { cpuSeconds: 14.5, rssMiB: 120, peakRssMiB: 130 } });
    expect([rows.rate.lab, rows.p50.lab, rows.p99.lab, rows.cpu.lab, rows.rss.lab]).toEqual([30, 200, 900, 4.5, 130]);
    recordSide(rows, 'builtin', { sample: { podsPerSecond: 40 } });
    expect([rows.rate.builtin, rows.cpu.builtin, rows.rss.builtin]).toEqual([40, undefined, undefined]);
  });

  it("the progress line gives the API server's rate and the bench watch's beside it", () => {
    expect(describeRates({ sample: { podsPerSecond: 74.712 }, watchSample: { podsPerSecond: 74.66 } })).toBe("74.71 pods/s by the API server's clock, 74.66 by the bench's watch");
    expect(describeRates({ sample: {} })).toBe("n/a pods/s by the API server's clock, n/a by the bench's watch");
    expect(describeRates({ sample: { podsPerSecond: 70 }, watchSample: { podsPerSecond: 70 }, timedByWatch: 'the log lacks them' })).toBe("70.00 pods/s by the bench's watch (not by the API server's clock: the log lacks them)");
  });

  it("a side the audit log could not time is recorded from the bench's watch, and the rate's note says so", () => {
    const rows = scaleRows(10, 'qps');
    const before = rows.rate.note!;
    recordSide(rows, 'lab', { sample: { podsPerSecond: 70 }, timedByWatch: 'the audit log lacks 300 of 300 pods' });
    recordSide(rows, 'builtin', { sample: { podsPerSecond: 71 } });
    expect([rows.rate.lab, rows.rate.builtin]).toEqual([70, 71]);
    expect(rows.rate.note).toBe(`${before} [lab: timed by the bench's watch, because the audit log lacks 300 of 300 pods]`);
  });

  it("waits for a throttled side's token bucket to fill again after the init pods: burst / qps", () => {
    expect(refillMs({ qps: 50, burst: 100 })).toBe(2000);
    expect(refillMs({ qps: 20, burst: 30 })).toBe(1500);
    expect(refillMs(undefined)).toBe(0);
    expect(scaleRows(10, 'qps').rate.note).toContain('token bucket takes to fill again');
  });

  it('the sides take turns going first, so each runs first as often over a run', () => {
    const firsts = (modeIndex: number) => [0, 1, 2, 3].map((nodeIndex) => sideOrder(nodeIndex, modeIndex)[0]);
    expect(firsts(0)).toEqual(['builtin', 'lab', 'builtin', 'lab']);
    expect(firsts(1)).toEqual(['lab', 'builtin', 'lab', 'builtin']);
    for (const k of [0, 1]) expect([...sideOrder(k, 0)].sort()).toEqual(['builtin', 'lab']);
    expect(scaleRows(10, 'qps').rate.note).toContain('take turns going first');
  });

  it('--nodes: counts ascending and distinct; anything else is refused with an example', () => {
    expect(parseNodeCounts('500,10, 100,10')).toEqual([10, 100, 500]);
    for (const bad of ['', 'ten', '0', '10,-5', '2.5', '10000']) expect(() => parseNodeCounts(bad), bad).toThrow(/between 1 and 5000.*such as 10,100,500,1000/);
  });
});

describe('rss: the memory each side holds', () => {
  it('is the median of the samples in the closing window, not the plateau right after the list', async () => {
    const { heldMemoryMiB } = await import('../../../lab/bench/measurements/rss.js');
    // Measured shape: 222 MiB for ~15 s after listing 2,000 pods, then V8's memory reducer: ~178.
    const lab = Array.from({ length: 60 }, (_, i) => ({ atS: i + 1, mib: i < 16 ? 222 : 175 + i / 10 }));
    const held = heldMemoryMiB(lab, 60, 30)!;
    expect(held).toBeGreaterThan(177);
    expect(held).toBeLessThan(180);
    expect(heldMemoryMiB([{ atS: 5, mib: 100 }, { atS: 10, mib: 300 }, { atS: 15, mib: 200 }], 15, 30)).toBe(200);
    expect(heldMemoryMiB([{ atS: 5, mib: 100 }, { atS: 10, mib: 300 }], 10, 30)).toBe(200);
  });

  it('samples outside the window do not count; none in it is no value', async () => {
    const { heldMemoryMiB } = await import('../../../lab/bench/measurements/rss.js');
    expect(heldMemoryMiB([{ atS: 1, mib: 500 }, { atS: 40, mib: 100 }], 60, 30)).toBe(100);
    expect(heldMemoryMiB([{ atS: 1, mib: 500 }], 60, 30)).toBeUndefined();
  });
});

describe('rs-scale', () => {
  it('four rows per mode, ids naming the pods and the mode; --only knows rs-scale', async () => {
    const { allRsScaleRows } = await import('../../../lab/bench/replicaset-scale.js');
    expect(MEASUREMENT_IDS).toContain('rs-scale');
    expect(allRsScaleRows().map((r) => r.id)).toEqual([
      'rs-scale-2000-qps', 'rs-scale-2000-qps-ready', 'rs-scale-2000-qps-cpu', 'rs-scale-2000-qps-rss',
      'rs-scale-2000-unthrottled', 'rs-scale-2000-unthrottled-ready', 'rs-scale-2000-unthrottled-cpu', 'rs-scale-2000-unthrottled-rss',
    ]);
  });

  it('its ReplicaSet: pods only simulated nodes take, bound by default-scheduler', async () => {
    const { simulatedReplicaSet } = await import('../../../lab/bench/replicaset-scale.js');
    const rs = simulatedReplicaSet('ns', 'scale', 2000);
    expect(rs.spec?.replicas).toBe(2000);
    expect(rs.spec?.template?.spec).toMatchObject({ schedulerName: 'default-scheduler', nodeSelector: { type: 'kwok' } });
    expect(rs.spec?.template?.spec?.tolerations?.[0]?.key).toBe('kwok.x-k8s.io/node');
  });

  it('records CPU over the window and the peak RSS; a side without stats leaves those empty', async () => {
    const { recordRsSide, rsScaleRows } = await import('../../../lab/bench/replicaset-scale.js');
    const rows = rsScaleRows('qps');
    recordRsSide(rows, 'lab', { createdMs: 100_000, readyMs: 120_000, before: { cpuSeconds: 1, rssMiB: 1, peakRssMiB: 1 }, after: { cpuSeconds: 9, rssMiB: 150, peakRssMiB: 180 } });
    recordRsSide(rows, 'builtin', { createdMs: 101_000 });
    expect([rows.created.lab, rows.ready.lab, rows.cpu.lab, rows.rss.lab, rows.created.builtin, rows.cpu.builtin]).toEqual([100_000, 120_000, 8, 180, 101_000, undefined]);
  });

  it('a ReplicaSet that stops short says how far its pods got (its own pods only, not the warm-up pod)', async () => {
    const { stuckAt } = await import('../../../lab/bench/replicaset-scale.js');
    const seen = (...names: string[]) => new Map(names.map((n) => [n, 0]));
    const watch = { created: seen('warm-up-a', 'scale-1', 'scale-2', 'scale-3'), bound: seen('warm-up-a', 'scale-1', 'scale-2'), running: seen('warm-up-a', 'scale-1') };
    expect(stuckAt(1, watch, 'scale')).toBe('1 ready; of its pods the bench saw 3 created, 2 bound, 1 Running');
  });
});

describe('unlessExited', () => {
  it('the work when it finishes first; a rejection naming how the process ended when that comes first', async () => {
    const { unlessExited } = await import('../../../lab/bench/lab-run-process.js');
    await expect(unlessExited(Promise.resolve(7), new Promise<string>(() => {}), 'x')).resolves.toBe(7);
    await expect(unlessExited(new Promise(() => {}), Promise.resolve('exit code 1; its output: /tmp/l.log'), 'it bound a first pod')).rejects.toThrow('it stopped (exit code 1; its output: /tmp/l.log) before it bound a first pod');
    await expect(unlessExited(Promise.resolve('w'), undefined, 'x')).resolves.toBe('w');
  });
});

describe('the limit modes of the scale measurements', () => {
  it("at the component's own defaults, or none; labelled for the component", async () => {
    const { limitsIn, limitModeLabel, LIMIT_MODES } = await import('../../../lab/bench/limit-modes.js');
    expect(LIMIT_MODES).toEqual(['qps', 'unthrottled']);
    expect(limitsIn('qps', { qps: 20, burst: 30 })).toEqual({ qps: 20, burst: 30 });
    expect(limitsIn('unthrottled', { qps: 20, burst: 30 })).toBeUndefined();
    expect(limitModeLabel('qps', { qps: 50, burst: 100 }, 'kube-scheduler')).toBe("at kube-scheduler's client limits (qps 50, burst 100)");
    expect(limitModeLabel('unthrottled', { qps: 50, burst: 100 }, 'kube-scheduler')).toBe('unthrottled');
  });

  it('a side that fails is recorded on the row after who failed, appended to an earlier failure', async () => {
    const { recordFailure } = await import('../../../lab/bench/measurement.js');
    const row = { id: 'r', title: 'r', unit: 'ms', higherIsBetter: false } as Parameters<typeof recordFailure>[0];
    await recordFailure(row, async () => { throw new Error('no lease'); }, 'kube-controller-manager');
    await recordFailure(row, async () => { throw new Error('exited'); }, 'lab');
    await recordFailure(row, async () => undefined, 'lab');
    expect(row.error).toBe('kube-controller-manager: no lease; lab: exited');
  });
});
