/**
 * The default profile's decisions on a seeded cluster of 150 nodes, pod after pod, against a
 * record of them made before the scheduler's speed-ups (issue 15: "keep the scheduler's decisions
 * identical"). Each pod is scheduled through the cache as the scheduler does it (snapshot,
 * scheduling cycle, assume), so the node-order rotation of percentageOfNodesToScore, the pods
 * assumed before it and every plugin's score take part. The record holds, per pod, the node
 * chosen, how many nodes were feasible and a digest of every plugin's scores and the totals.
 *
 * A change that alters a decision on purpose rewrites the record with
 * `UPDATE_DECISIONS=1 npx vitest run --project unit decisions-at-scale`, and says why in its commit.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { defaultProfile } from '../../../controllers/scheduler/config.js';
import { SchedulerCache } from '../../../controllers/scheduler/cache.js';
import { FrameworkRuntime, type CycleResult } from '../../../controllers/scheduler/framework/runtime.js';
import { seededRandom } from '../../../controllers/shared/seeded-random.js';
import { HOSTNAME, exists, labelsIn, spread } from './upstream-fixtures.js';

const RECORD = fileURLToPath(new URL('./fixtures/decisions-at-scale.json', import.meta.url));
const ZONE = 'topology.kubernetes.io/zone';
const IMAGES = ['nginx:1.27', 'registry.k8s.io/pause:3.10', 'busybox', 'example.com/team/app:v2'];

function clusterNode(i: number, rnd: () => number): V1Node {
  const name = `node-${String(i).padStart(3, '0')}`;
  const taints = rnd() < 0.15 ? [{ key: 'dedicated', value: 'batch', effect: rnd() < 0.5 ? 'NoSchedule' : 'PreferNoSchedule' }] : undefined;
  const images = IMAGES.filter(() => rnd() < 0.4).map((image) => ({ names: [image], sizeBytes: Math.floor(50 + rnd() * 900) * 1024 * 1024 }));
  return {
    metadata: { name, labels: { [HOSTNAME]: name, [ZONE]: `zone-${'abc'[i % 3]}`, disk: rnd() < 0.5 ? 'ssd' : 'hdd' } },
    spec: taints ? { taints } : {},
    status: { allocatable: { cpu: `${2 + Math.floor(rnd() * 7)}`, memory: `${4 + Math.floor(rnd() * 12)}Gi`, pods: '110' }, images },
  };
}

/** A pod of one of five apps, with the terms its app has; `nodeName` for those already running. */
function appPod(name: string, rnd: () => number, nodeName?: string): V1Pod {
  const app = `app-${Math.floor(rnd() * 5)}`;
  const spec: NonNullable<V1Pod['spec']> = {
    ...(nodeName ? { nodeName } : {}),
    priority: Math.floor(rnd() * 3) * 100,
    containers: [{ name: 'c', image: IMAGES[Math.floor(rnd() * IMAGES.length)]!, resources: { requests: { cpu: `${50 + Math.floor(rnd() * 8) * 50}m`, memory: `${64 + Math.floor(rnd() * 8) * 64}Mi` } } }],
  };
  if (rnd() < 0.2) spec.tolerations = [{ key: 'dedicated', operator: 'Equal', value: 'batch' }];
  if (app === 'app-1') spec.topologySpreadConstraints = [spread(1, ZONE, 'ScheduleAnyway', labelsIn('app', ['app-1']))];
  if (app === 'app-2') spec.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, podAffinityTerm: { topologyKey: HOSTNAME, labelSelector: labelsIn('app', ['app-2']) } }] } };
  if (app === 'app-3') spec.affinity = { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 20, podAffinityTerm: { topologyKey: ZONE, labelSelector: labelsIn('app', ['app-0']) } }] } };
  if (app === 'app-4' && rnd() < 0.3) spec.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: HOSTNAME, labelSelector: exists('spread-me') }] } };
  if (rnd() < 0.1) spec.affinity = { ...spec.affinity, nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }] } };
  const labels: Record<string, string> = { app, ...(rnd() < 0.2 ? { 'spread-me': 'yes' } : {}) };
  return { metadata: { name, namespace: 'default', uid: name, labels }, spec };
}

function digest(cycle: CycleResult): string {
  const scores = cycle.scores.map((s) => [s.plugin, s.weight, Object.entries(s.scores)]);
  return createHash('sha256').update(JSON.stringify([scores, Object.entries(cycle.totals)])).digest('hex').slice(0, 16);
}

async function decisions(): Promise<string[]> {
  const rnd = seededRandom(1515);
  const cache = new SchedulerCache();
  const nodes = Array.from({ length: 150 }, (_, i) => clusterNode(i, rnd));
  for (const node of nodes) cache.addNode(node);
  for (let i = 0; i < 300; i++) cache.addPod(appPod(`running-${i}`, rnd, nodes[Math.floor(rnd() * nodes.length)]!.metadata!.name));
  const runtime = new FrameworkRuntime(defaultProfile({ binder: { bind: async () => {} } }, 'lab-scheduler'), { random: seededRandom(99) });
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    const pod = appPod(`incoming-${i}`, rnd);
    const outcome = await runtime.scheduleAndAssume(pod, cache.snapshot(), { assume: (p, nodeName) => cache.assumePod(p, nodeName) });
    const cycle = outcome.ok ? outcome.assumed.cycle : outcome.result;
    lines.push(`${pod.metadata!.name} ${cycle.chosen ?? '-'} feasible=${cycle.feasible.length} ${digest(cycle)}`);
  }
  return lines;
}

describe('decisions at scale: the same as recorded', () => {
  it('200 pods onto 150 nodes: the same node, feasible count and scores for every pod', async () => {
    const got = await decisions();
    if (process.env.UPDATE_DECISIONS === '1' || !existsSync(RECORD)) writeFileSync(RECORD, `${JSON.stringify(got, null, 1)}\n`);
    const want = JSON.parse(readFileSync(RECORD, 'utf8')) as string[];
    expect(got).toEqual(want);
    // The case must exercise what it guards: pods spread over many nodes, and nodes rejected by filters.
    expect(new Set(got.map((line) => line.split(' ')[1])).size).toBeGreaterThan(20);
    expect(got.some((line) => !line.includes('feasible=100 '))).toBe(true);
  });
});
