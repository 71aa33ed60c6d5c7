/**
 * The default profile with SchedulingGates, PodTopologySpread and InterPodAffinity, through the
 * whole runtime:
 *  - pods with none of their fields (no gates, constraints or pod affinity, nothing selecting them)
 *    get exactly the decisions of the profile without these plugins (same feasible nodes, same
 *    totals, same choice with the same tie-break randomness);
 *  - preemption honours the PreFilterExtensions: evicting a victim changes the topology-spread
 *    count (and anti-affinity), so the victims and the node chosen follow upstream's rules.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { defaultProfile, parseSchedulerConfig, profileFromConfig } from '../../../controllers/scheduler/config.js';
import { CycleState } from '../../../controllers/scheduler/framework/cycle-state.js';
import { FrameworkRuntime } from '../../../controllers/scheduler/framework/runtime.js';
import { NodeInfo } from '../../../controllers/scheduler/framework/node-info.js';
import { seededRandom } from '../../../controllers/shared/seeded-random.js';
import { HOSTNAME, exists, snapshot, spread } from './upstream-fixtures.js';

const binder = { bind: async () => {} };
const withNew = () => defaultProfile({ binder }, 'lab-scheduler');
const NEW_PLUGINS = ['SchedulingGates', 'PodTopologySpread', 'InterPodAffinity'];
const withoutNew = () =>
  profileFromConfig(
    parseSchedulerConfig({
      schedulerName: 'lab-scheduler',
      plugins: Object.fromEntries(['preEnqueue', 'preFilter', 'filter', 'preScore', 'score'].map((point) => [point, { disabled: NEW_PLUGINS }])),
    }),
    { binder },
  );

function plainPod(name: string, rnd: () => number, nodeName?: string): V1Pod {
  const cpu = `${100 + Math.floor(rnd() * 9) * 100}m`;
  const memory = `${64 + Math.floor(rnd() * 8) * 64}Mi`;
  return {
    metadata: { name, namespace: 'default', labels: { app: `a${Math.floor(rnd() * 3)}` } },
    spec: { nodeName, priority: Math.floor(rnd() * 3) * 100, containers: [{ name: 'c', image: rnd() < 0.5 ? 'nginx' : 'busybox', resources: { requests: { cpu, memory } } }] },
  };
}

function node(name: string, cpu: string, labels: Record<string, string> = {}): V1Node {
  return { metadata: { name, labels: { [HOSTNAME]: name, ...labels } }, spec: {}, status: { allocatable: { cpu, memory: '4Gi', pods: '110' }, images: [{ names: ['nginx:latest'], sizeBytes: 200 * 1024 * 1024 }] } };
}

describe('pods with none of the new fields: the same decisions as before', () => {
  it('200 random plain pods over random clusters: same feasible nodes, totals and chosen node', async () => {
    const rnd = seededRandom(14);
    let compared = 0;
    for (let cluster = 0; cluster < 20; cluster++) {
      const nodes = Array.from({ length: 2 + Math.floor(rnd() * 4) }, (_, i) => node(`n${i}`, `${1 + Math.floor(rnd() * 3)}`, { 'topology.kubernetes.io/zone': `z${i % 2}` }));
      const existing = Array.from({ length: Math.floor(rnd() * 8) }, (_, i) => plainPod(`e${cluster}-${i}`, rnd, nodes[Math.floor(rnd() * nodes.length)]!.metadata!.name));
      const infos = () => snapshot(nodes, existing);
      for (let i = 0; i < 10; i++) {
        const incoming = plainPod(`p${cluster}-${i}`, rnd);
        const seed = Math.floor(rnd() * 1e6);
        const before = await new FrameworkRuntime(withoutNew(), { random: seededRandom(seed) }).schedulingCycle(new CycleState(), incoming, infos());
        const after = await new FrameworkRuntime(withNew(), { random: seededRandom(seed) }).schedulingCycle(new CycleState(), incoming, infos());
        expect(after.feasible).toEqual(before.feasible);
        expect(after.totals).toEqual(before.totals);
        expect(after.chosen).toEqual(before.chosen);
        expect(after.message).toEqual(before.message);
        compared++;
      }
    }
    expect(compared).toBe(200);
  });
});

describe('preemption honours the PreFilterExtensions (upstream SelectVictimsOnNode with RemovePod/AddPod)', () => {
  const pod = (name: string, nodeName: string | undefined, priority: number, labels: Record<string, string>, spec: Partial<NonNullable<V1Pod['spec']>> = {}): V1Pod => ({
    metadata: { name, namespace: 'default', labels, uid: name },
    spec: { nodeName, priority, containers: [{ name: 'c', image: 'pause', resources: { requests: { cpu: '500m' } } }], ...spec },
  });
  const web = (name: string, nodeName: string | undefined, priority: number) =>
    pod(name, nodeName, priority, { app: 'web' }, { topologySpreadConstraints: [spread(1, HOSTNAME, 'DoNotSchedule', exists('app'))] });

  it('topology spread: evicting low-priority pods of the same app lowers the crowded node\'s count; the fewest victims that satisfy maxSkew go', async () => {
    // n1: three low-priority web pods (plenty of cpu); n2: a high-priority web pod and a filler, no cpu left.
    const infos = snapshot(
      [node('n1', '4'), node('n2', '1')],
      [web('low-1', 'n1', 0), web('low-2', 'n1', 0), web('low-3', 'n1', 0), web('high', 'n2', 1000), pod('filler', 'n2', 1000, {})],
    );
    const result = await new FrameworkRuntime(withNew()).scheduleOne(web('new', undefined, 500), infos);
    expect(result.bound).toBe(false);
    expect(result.nodeStatuses.get('n1')?.reasons).toEqual(["node(s) didn't match pod topology spread constraints"]);
    expect(result.nodeStatuses.get('n2')?.reasons).toEqual(['Insufficient cpu']);
    // n1 fits once its count is at most min(1) + 1 - 1 = 1: low-1 is reprieved, low-2 and low-3 go.
    expect(result.postFilter?.nominatedNodeName).toBe('n1');
    expect(result.postFilter?.victims?.map((v) => v.metadata!.name)).toEqual(['low-2', 'low-3']);
  });

  it("upstream e2e 'PodTopologySpread Preemption validates proper pods are preempted': two lows go, the spread becomes [high] [medium, low]", async () => {
    const key = 'kubernetes.io/e2e-pts-preemption';
    const fake = 'example.com/fakePTSRes';
    const ptsNode = (name: string): V1Node => ({ metadata: { name, labels: { [key]: name } }, spec: {}, status: { allocatable: { cpu: '4', memory: '4Gi', pods: '110', [fake]: '10' } } });
    const label = { 'e2e-pts-preemption': '' };
    const make = (name: string, nodeName: string | undefined, priority: number, amount: string, spread?: boolean): V1Pod => ({
      metadata: { name, namespace: 'e2e', labels: label, uid: name },
      spec: {
        nodeName,
        priority,
        containers: [{ name: 'pause', image: 'pause', resources: { requests: { [fake]: amount }, limits: { [fake]: amount } } }],
        topologySpreadConstraints: spread ? [spread1(key)] : undefined,
      },
    });
    const spread1 = (topologyKey: string) => spread(1, topologyKey, 'DoNotSchedule', exists('e2e-pts-preemption'));
    const infos = snapshot(
      [ptsNode('node-1'), ptsNode('node-2')],
      [make('high', 'node-1', 1000, '9'), make('low-1', 'node-2', 1, '3'), make('low-2', 'node-2', 1, '3'), make('low-3', 'node-2', 1, '3')],
    );
    const result = await new FrameworkRuntime(withNew()).scheduleOne(make('medium', undefined, 100, '3', true), infos);
    expect(result.postFilter?.nominatedNodeName).toBe('node-2');
    expect(result.postFilter?.victims).toHaveLength(2);
    expect(result.postFilter?.victims?.map((v) => v.metadata!.name).every((n) => n?.startsWith('low-'))).toBe(true);
  });

  it('required anti-affinity: the low-priority pod the incoming pod must not share a node with is the victim', async () => {
    const incoming = pod('new', undefined, 500, { app: 'api' }, {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: exists('db'), topologyKey: HOSTNAME }] } },
    });
    const infos = snapshot([node('n1', '4'), node('n2', '4')], [pod('db-low', 'n1', 0, { db: 'x' }), pod('other-low', 'n1', 0, {}), pod('db-high', 'n2', 1000, { db: 'y' })]);
    const result = await new FrameworkRuntime(withNew()).scheduleOne(incoming, infos);
    expect(result.nodeStatuses.get('n1')?.reasons).toEqual(["node(s) didn't match pod anti-affinity rules"]);
    expect(result.postFilter?.nominatedNodeName).toBe('n1');
    expect(result.postFilter?.victims?.map((v) => v.metadata!.name)).toEqual(['db-low']);
  });

  it('a nominated pod counts for topology spread on its node (RunFilterPluginsWithNominatedPods + AddPod)', async () => {
    // n1 and n2 each hold one web pod; a web pod of higher priority is nominated to n2.
    const n1 = node('n1', '4');
    const n2 = node('n2', '4');
    const nominated = web('nominated', undefined, 1000);
    const infos = [
      new NodeInfo(n1, [{ pod: web('w1', 'n1', 0), assumed: false }]),
      new NodeInfo(n2, [{ pod: web('w2', 'n2', 0), assumed: false }], [nominated]),
    ];
    const result = await new FrameworkRuntime(withNew()).schedulingCycle(new CycleState(), web('new', undefined, 0), infos);
    // With the nominated pod on n2 (2 there), n2 would be 3 vs 1: only n1 fits.
    expect(result.feasible).toEqual(['n1']);
    expect(result.nodeStatuses.get('n2')?.reasons).toEqual(["node(s) didn't match pod topology spread constraints"]);
  });
});
