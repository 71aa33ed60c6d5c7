import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Node, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quantityMilliValue } from '../../controllers/scheduler/quantity.js';
import { PREFERRED_ZONES, ZONE_LABEL } from '../../examples/schedulers/zones.js';
import { freshNamespace, kubectl, kubectlJson, startLabRun, waitFor, type LabRunProcess } from './support.js';
import { WORKLOAD, workloadContainer } from '../../lab/cluster/workload-image.js';

/**
 * Issue 5 item 2's end-to-end tests: the swap-in scheduler. `lab run --only scheduler
 * --scheduler FILE --scheduler-name NAME` on the real cluster, with each example of
 * examples/schedulers and with deliberately broken plugins, scheduling bare pods (no
 * Deployment, so it does not matter whether the built-in controllers are on or off).
 */
const ns = 'e2e-schedulers';
const WORKERS = ['lab-worker', 'lab-worker2'];
const EXAMPLES = join('examples', 'schedulers');

interface List<T> { items: T[] }
interface Event { reason: string; message: string; count?: number; source?: { component?: string }; involvedObject: { kind: string; name: string } }

/** Every `lab run` still running; afterAll stops what a failed test left behind. */
const running = new Set<LabRunProcess>();

async function startScheduler(file: string, schedulerName: string): Promise<LabRunProcess> {
  const run = await startLabRun(['--only', 'scheduler', '--scheduler', file, '--scheduler-name', schedulerName], ['scheduler']);
  running.add(run);
  expect(run.output()).toContain(`serving spec.schedulerName=${schedulerName} with ${file}`);
  return run;
}

/** SIGTERM, as Ctrl-C would; returns the exit code (0 = stopped cleanly). */
async function stopScheduler(run: LabRunProcess): Promise<number | undefined> {
  running.delete(run);
  return run.stop('SIGTERM');
}

function podManifest(name: string, schedulerName: string, opts: { labels?: Record<string, string>; cpu?: string; nodeSelector?: Record<string, string> } = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { ...opts.labels } },
    spec: {
      schedulerName,
      terminationGracePeriodSeconds: 1,
      ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
      containers: [workloadContainer(opts.cpu ? { resources: { requests: { cpu: opts.cpu } } } : {})],
    },
  };
}

async function createPods(pods: V1Pod[]): Promise<void> {
  await kubectl(['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: pods }) });
}

/** `count` pods `<test>-0..` labelled test=<test>, for `schedulerName`. */
function numberedPods(test: string, count: number, schedulerName: string, opts: { cpu?: string } = {}): V1Pod[] {
  return Array.from({ length: count }, (_, i) => podManifest(`${test}-${i}`, schedulerName, { labels: { test }, ...opts }));
}

async function getPod(name: string): Promise<V1Pod> {
  return kubectlJson<V1Pod>(['-n', ns, 'get', 'pod', name]);
}

/** Waits until every pod with label test=<test> (there must be `count`) has spec.nodeName. */
async function waitBound(test: string, count: number): Promise<V1Pod[]> {
  return waitFor(`${count} pod(s) test=${test} bound`, async () => {
    const list = await kubectlJson<List<V1Pod>>(['-n', ns, 'get', 'pods', '-l', `test=${test}`]);
    return list.items.length === count && list.items.every((p) => p.spec?.nodeName) ? list.items : undefined;
  }, 120_000, 500);
}

async function waitPodBound(name: string): Promise<V1Pod> {
  return waitFor(`pod ${name} bound`, async () => {
    const pod = await getPod(name);
    return pod.spec?.nodeName ? pod : undefined;
  }, 120_000, 500);
}

async function podEvents(name: string, reason: string): Promise<Event[]> {
  const list = await kubectlJson<List<Event>>(['-n', ns, 'get', 'events', '--field-selector', `involvedObject.kind=Pod,involvedObject.name=${name},reason=${reason}`]);
  return list.items;
}

/** The Scheduled event of each pod: reported by `schedulerName`, naming the node the pod is bound to. */
async function expectScheduledEvents(pods: V1Pod[], schedulerName: string): Promise<void> {
  for (const pod of pods) {
    const name = pod.metadata!.name!;
    const events = await waitFor(`Scheduled event of ${name}`, async () => {
      const found = await podEvents(name, 'Scheduled');
      return found.length > 0 ? found : undefined;
    }, 30_000, 500);
    expect(events).toHaveLength(1);
    expect(events[0]!.source?.component).toBe(schedulerName);
    expect(events[0]!.message).toBe(`Successfully assigned ${ns}/${name} to ${pod.spec!.nodeName}`);
  }
}

async function deletePods(selector: string): Promise<void> {
  await kubectl(['-n', ns, 'delete', 'pods', '-l', selector, '--ignore-not-found', '--wait=true'], { timeoutMs: 120_000 });
}

/**
 * The scheduler logs one line per attempt (summarizeCycle), e.g.
 *   "filter 3 nodes → 2 feasible (lab-worker, lab-worker2); score lab-worker 37, lab-worker2 81 → bind lab-worker2 pod=NS/NAME"
 * Returns the weighted totals per node for `pod`'s successful attempt.
 */
function loggedTotals(run: LabRunProcess, pod: string): { totals: Record<string, number>; chosen: string } | undefined {
  const line = run.output().split('\n').find((l) => l.includes(` pod=${ns}/${pod}`) && l.includes('→ bind '));
  const match = line?.match(/; score (.+) → bind (\S+) pod=/);
  if (!match) return undefined;
  const totals = Object.fromEntries(match[1]!.split(', ').map((part) => {
    const [node, score] = part.split(' ');
    return [node!, Number(score)];
  }));
  return { totals, chosen: match[2]! };
}

/** Non-terminal pods on each worker, in every namespace. */
async function podsPerWorker(): Promise<Record<string, number>> {
  const list = await kubectlJson<List<V1Pod>>(['get', 'pods', '-A']);
  const counts: Record<string, number> = Object.fromEntries(WORKERS.map((w) => [w, 0]));
  for (const pod of list.items) {
    const node = pod.spec?.nodeName;
    if (node && node in counts && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed') counts[node]!++;
  }
  return counts;
}

describe('the swap-in scheduler (lab run --scheduler FILE) on the real cluster', () => {
  beforeAll(async () => {
    await freshNamespace(ns);
    // Pods are refused until the ServiceAccount controller has made the namespace's "default"
    // account (slow right after kube-controller-manager restarts, e.g. `lab controllers builtin`).
    await waitFor(`ServiceAccount ${ns}/default`, async () => (await kubectl(['-n', ns, 'get', 'serviceaccount', 'default'], { reject: false })).exitCode === 0, 180_000, 500);
  });

  afterAll(async () => {
    for (const run of [...running]) await stopScheduler(run);
    await kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false'], { reject: false });
  });

  describe('the examples', () => {
    it('spread.ts (FewestPods joins the default profile): the pods land on both workers', async () => {
      const name = 'lab-ex-spread';
      const run = await startScheduler(join(EXAMPLES, 'spread.ts'), name);
      // Pods elsewhere on the cluster (other tests) may leave one worker fuller: FewestPods first
      // fills the emptier one up, so make enough pods to get past any difference.
      const before = await podsPerWorker();
      const count = Math.min(12, 4 + Math.abs(before[WORKERS[0]!]! - before[WORKERS[1]!]!));
      await createPods(numberedPods('spread', count, name));
      const pods = await waitBound('spread', count);
      expect(new Set(pods.map((p) => p.spec?.nodeName))).toEqual(new Set(WORKERS));
      await expectScheduledEvents(pods, name);
      expect(await stopScheduler(run)).toBe(0);
      expect(run.output()).toContain('stopped');
      await deletePods('test=spread');
    });

    it(`zones.ts (PreferredZones): pods go to the node in the preferred zone ${PREFERRED_ZONES[0]}, and follow the label when it moves`, async () => {
      const name = 'lab-ex-zones';
      const [first, second] = PREFERRED_ZONES as [string, string];
      const [worker, worker2] = WORKERS as [string, string];
      const nodes = await kubectlJson<List<V1Node>>(['get', 'nodes']);
      const previous = new Map(WORKERS.map((w) => [w, nodes.items.find((n) => n.metadata?.name === w)?.metadata?.labels?.[ZONE_LABEL]]));
      const label = (node: string, zone: string) => kubectl(['label', 'node', node, `${ZONE_LABEL}=${zone}`, '--overwrite']);
      let run: LabRunProcess | undefined;
      try {
        // As in the comment at the top of zones.ts: lab-worker2 in the preferred zone.
        await label(worker, second);
        await label(worker2, first);
        run = await startScheduler(join(EXAMPLES, 'zones.ts'), name);
        await createPods(numberedPods('zones-a', 3, name));
        const pods = await waitBound('zones-a', 3);
        expect(pods.map((p) => p.spec?.nodeName)).toEqual([worker2, worker2, worker2]);
        await expectScheduledEvents(pods, name);

        // Swap the zones while it runs. A probe pod that REQUIRES the preferred zone binds only
        // once the scheduler has seen both label updates (one watch stream, delivered in order).
        await label(worker2, second);
        await label(worker, first);
        await createPods([podManifest('zones-probe', name, { labels: { test: 'zones-probe' }, nodeSelector: { [ZONE_LABEL]: first } })]);
        expect((await waitPodBound('zones-probe')).spec?.nodeName).toBe(worker);
        await createPods(numberedPods('zones-b', 3, name));
        const moved = await waitBound('zones-b', 3);
        expect(moved.map((p) => p.spec?.nodeName)).toEqual([worker, worker, worker]);
        expect(await stopScheduler(run)).toBe(0);
      } finally {
        if (run) await stopScheduler(run);
        for (const [node, zone] of previous) {
          await kubectl(['label', 'node', node, zone === undefined ? `${ZONE_LABEL}-` : `${ZONE_LABEL}=${zone}`, '--overwrite'], { reject: false });
        }
      }
      const after = await kubectlJson<List<V1Node>>(['get', 'nodes']);
      for (const w of WORKERS) expect(after.items.find((n) => n.metadata?.name === w)?.metadata?.labels?.[ZONE_LABEL]).toBe(previous.get(w));
      await deletePods('test in (zones-a,zones-b,zones-probe)');
    });

    it('random.ts (a random score is the only scorer): every pod bound to a feasible node, reported by the scheduler', async () => {
      const name = 'lab-ex-random';
      const run = await startScheduler(join(EXAMPLES, 'random.ts'), name);
      await createPods(numberedPods('random', 6, name));
      const pods = await waitBound('random', 6);
      // The control-plane node is tainted: the default filters stay in the profile, so never there.
      for (const pod of pods) expect(WORKERS).toContain(pod.spec?.nodeName);
      await expectScheduledEvents(pods, name);
      // RandomScore (weight 1) is the only Score plugin, so each node's total is its 0..100 draw
      // and the pod went to the highest.
      for (const pod of pods) {
        const logged = loggedTotals(run, pod.metadata!.name!);
        expect(logged, `the scheduler's log line for ${pod.metadata!.name}`).toBeDefined();
        expect(Object.keys(logged!.totals).sort()).toEqual(WORKERS);
        for (const total of Object.values(logged!.totals)) expect(total).toSatisfy((t: number) => Number.isInteger(t) && t >= 0 && t <= 100);
        expect(logged!.chosen).toBe(pod.spec?.nodeName);
        expect(logged!.totals[logged!.chosen]).toBe(Math.max(...Object.values(logged!.totals)));
      }
      expect(await stopScheduler(run)).toBe(0);
      await deletePods('test=random');
    });

    it('bin-packing.ts (BinPacking replaces the default scorers): all pods on one node', async () => {
      const name = 'lab-ex-bin-packing';
      // BinPacking's score is a rounded percentage: each pod must move it by a few points, or the
      // nodes tie and the choice is random. 5% of the smaller worker's cpu per pod does.
      const nodes = await kubectlJson<List<V1Node>>(['get', 'nodes']);
      const cpus = WORKERS.map((w) => quantityMilliValue(nodes.items.find((n) => n.metadata?.name === w)!.status!.allocatable!.cpu!));
      const cpu = `${Math.max(100, Math.floor(Math.min(...cpus) * 0.05))}m`;
      const run = await startScheduler(join(EXAMPLES, 'bin-packing.ts'), name);
      await createPods(numberedPods('packed', 4, name, { cpu }));
      const pods = await waitBound('packed', 4);
      const used = new Set(pods.map((p) => p.spec?.nodeName));
      expect(used.size, `4 pods of ${cpu} cpu on ${[...used].join(', ')}`).toBe(1);
      expect(WORKERS).toContain([...used][0]);
      await expectScheduledEvents(pods, name);
      expect(await stopScheduler(run)).toBe(0);
      await deletePods('test=packed');
    });
  });

  describe('a misbehaving plugin fails only its pod, and the scheduler keeps serving', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'lab-faulty-plugins-'));
    });

    // Each file misbehaves only for pods labelled fault=yes; other pods are scheduled as usual.
    // The files import nothing: plugins are plain objects.
    const cases: Array<{ fault: string; file: string; source: string; message: string; leavesTimer?: boolean }> = [
      {
        fault: 'throws in Score',
        file: 'throws.ts',
        source: `
          const faulty = (pod: any): boolean => pod.metadata?.labels?.fault === 'yes';
          export const plugins = [{
            name: 'ThrowsOnFault',
            score(_state: unknown, pod: any): number {
              if (faulty(pod)) throw new TypeError('cannot read the fault');
              return 0;
            },
          }];`,
        message: 'running Score plugin "ThrowsOnFault": threw TypeError: cannot read the fault',
      },
      {
        fault: 'throws in Filter',
        file: 'throws-filter.ts',
        source: `
          export default [{
            name: 'FilterThrowsOnFault',
            async filter(_state: unknown, pod: any) {
              if (pod.metadata?.labels?.fault === 'yes') throw new Error('filter exploded');
            },
          }];`,
        message: 'running Filter plugin "FilterThrowsOnFault": threw Error: filter exploded',
      },
      {
        fault: 'returns NaN',
        file: 'nan.ts',
        source: `
          export default [{
            name: 'NaNOnFault',
            score: (_state: unknown, pod: any): number => (pod.metadata?.labels?.fault === 'yes' ? Number.NaN : 50),
          }];`,
        // The feasible nodes are scored in name order: lab-worker first.
        message: 'running Score plugin "NaNOnFault": returned score NaN for node lab-worker, want a finite number',
      },
      {
        fault: 'returns a score outside 0..100',
        file: 'out-of-range.ts',
        source: `
          export const plugins = [{
            name: 'OutOfRangeOnFault',
            score: (_state: unknown, pod: any): number => (pod.metadata?.labels?.fault === 'yes' ? 150 : 100),
          }];`,
        message: 'running Score plugin "OutOfRangeOnFault": returned an invalid score 150 for node lab-worker, it should be in the range of [0, 100] after normalizing',
      },
      {
        fault: 'hangs past pluginTimeoutMs',
        file: 'hangs.ts',
        source: `
          const HangsOnFault = {
            name: 'HangsOnFault',
            async score(_state: unknown, pod: any): Promise<number> {
              // Waits far longer than the time limit (a forgotten await on a slow call, say).
              if (pod.metadata?.labels?.fault === 'yes') await new Promise((resolve) => setTimeout(resolve, 10 * 60_000));
              return 0;
            },
          };
          export function profile(ctx: any) {
            const d = ctx.defaultProfile();
            return { ...d, pluginTimeoutMs: 1500, plugins: { ...d.plugins, score: [...d.plugins.score, { plugin: HangsOnFault, weight: 1 }] } };
          }`,
        message: 'running Score plugin "HangsOnFault": did not return within 1500 ms',
        // The abandoned calls' timers are still pending when it stops: lab run must exit anyway.
        leavesTimer: true,
      },
    ];

    it.each(cases)('a plugin that $fault', async ({ file, source, message, leavesTimer }) => {
      const path = join(dir, file);
      writeFileSync(path, source);
      const test = file.replace(/\.ts$/, '');
      const name = `lab-fault-${test}`;
      const run = await startScheduler(path, name);

      await createPods([podManifest(`${test}-faulty`, name, { labels: { test, fault: 'yes' } })]);
      const condition = await waitFor(`PodScheduled=False on ${test}-faulty`, async () => {
        const pod = await getPod(`${test}-faulty`);
        return pod.status?.conditions?.find((c: V1PodCondition) => c.type === 'PodScheduled' && c.status === 'False');
      }, 60_000, 500);
      expect(condition.reason).toBe('SchedulerError');
      expect(condition.message).toBe(message);
      const failed = await waitFor('FailedScheduling event', async () => {
        const found = await podEvents(`${test}-faulty`, 'FailedScheduling');
        return found.length > 0 ? found : undefined;
      }, 30_000, 500);
      expect(failed).toHaveLength(1);
      expect(failed[0]!.source?.component).toBe(name);
      expect(failed[0]!.message).toBe(message);

      // It keeps serving: a pod created after the failure is bound by the same scheduler ...
      await createPods([podManifest(`${test}-normal`, name, { labels: { test } })]);
      const normal = await waitPodBound(`${test}-normal`);
      expect(WORKERS).toContain(normal.spec?.nodeName);
      await expectScheduledEvents([normal], name);
      // ... and retries the faulty one with backoff (the same event, counted again), never binding it.
      await waitFor('FailedScheduling counted twice', async () => ((await podEvents(`${test}-faulty`, 'FailedScheduling'))[0]?.count ?? 0) >= 2, 60_000, 500);
      expect((await getPod(`${test}-faulty`)).spec?.nodeName).toBeUndefined();
      expect(run.child.exitCode).toBeNull();
      expect(run.output()).toContain(message);

      expect(await stopScheduler(run)).toBe(0);
      expect(run.output()).toContain('stopped');
      if (leavesTimer) expect(run.output()).toContain('exiting without waiting for it');
      await deletePods(`test=${test}`);
    });
  });
});
