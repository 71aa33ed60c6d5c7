import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CycleState, type NodeScore, type ScorePlugin } from '../../../controllers/scheduler/framework/index.js';
import { parseSchedulerConfig } from '../../../controllers/scheduler/config.js';
import { describeProfile } from '../../../controllers/scheduler/framework/profile.js';
import { loadSchedulerFile } from '../../../lab/run/plugin-loader.js';
import { buildSchedulerProfile } from '../../../lab/run/scheduler-profile.js';
import { BinPacking, fullness } from '../../../examples/schedulers/bin-packing.js';
import { createRandomScore, seededRandom } from '../../../examples/schedulers/random.js';
import { FewestPods } from '../../../examples/schedulers/spread.js';
import { PreferredZones, zoneScore } from '../../../examples/schedulers/zones.js';
import { makeNode, makePod, nodeInfo } from '../scheduler/fixtures.js';
import type { NodeInfo } from '../../../controllers/scheduler/framework/node-info.js';

/** Score every node and normalise, as the runtime does; returns name → final score. */
async function scoreAll(plugin: ScorePlugin, nodes: NodeInfo[], pod = makePod()): Promise<Record<string, number>> {
  const state = new CycleState();
  const scores: NodeScore[] = [];
  for (const n of nodes) {
    const raw = await plugin.score(state, pod, n);
    scores.push({ name: n.name, score: typeof raw === 'number' ? raw : raw.score });
  }
  await plugin.scoreExtensions?.normalizeScore(state, pod, scores);
  return Object.fromEntries(scores.map((s) => [s.name, s.score]));
}

const pods = (n: number) => Array.from({ length: n }, () => makePod());

describe('spread.ts (FewestPods)', () => {
  it('the emptiest node gets 100, the fullest 0', async () => {
    expect(await scoreAll(FewestPods, [nodeInfo(makeNode('a'), pods(2)), nodeInfo(makeNode('b'), pods(4)), nodeInfo(makeNode('c'))])).toEqual({ a: 50, b: 0, c: 100 });
  });

  it('all empty: all 100 (a tie)', async () => {
    expect(await scoreAll(FewestPods, [nodeInfo(makeNode('a')), nodeInfo(makeNode('b'))])).toEqual({ a: 100, b: 100 });
  });

  it('counts pods only assumed onto a node', async () => {
    const busy = nodeInfo(makeNode('a'));
    busy.addPod(makePod(), true);
    expect(await scoreAll(FewestPods, [busy, nodeInfo(makeNode('b'))])).toEqual({ a: 0, b: 100 });
  });
});

describe('bin-packing.ts (MostAllocated style)', () => {
  const alloc = { cpu: '4', memory: '8Gi' };
  const withRequests = (cpu: string, memory: string) => makePod({ requests: [{ cpu, memory }] });

  it('prefers the fuller node that still fits', async () => {
    const half = nodeInfo(makeNode('half', { allocatable: alloc }), [withRequests('2', '4Gi')]);
    const empty = nodeInfo(makeNode('empty', { allocatable: alloc }));
    const scores = await scoreAll(BinPacking, [half, empty], withRequests('1', '2Gi'));
    // half: (3/4 cpu, 6/8 memory) → 75; empty: (1/4, 2/8) → 25
    expect(scores).toEqual({ half: 75, empty: 25 });
  });

  it('counts 100m/200Mi for pods without requests, and caps at 100', () => {
    const small = nodeInfo(makeNode('s', { allocatable: { cpu: '100m', memory: '200Mi' } }), [makePod({ requests: [{}] })]);
    expect(fullness(small, { cpu: 100, memory: 200 * 1024 * 1024 })).toBe(100);
    expect(fullness(nodeInfo(makeNode('none', { allocatable: {} })), { cpu: 100 })).toBe(0);
  });

  it('its profile keeps the default filters and scores with BinPacking only', async () => {
    const loaded = await loadSchedulerFile(join(__dirname, '../../../examples/schedulers/bin-packing.ts'));
    const profile = await buildSchedulerProfile({ config: parseSchedulerConfig({}), binder: { bind: async () => {} }, loaded });
    expect(describeProfile(profile).score).toEqual(['BinPacking×1']);
    expect(describeProfile(profile).filter).toEqual(expect.arrayContaining(['NodeResourcesFit', 'TaintToleration']));
  });
});

describe('random.ts', () => {
  it('the same seed gives the same scores, in 0..100', async () => {
    const nodes = ['a', 'b', 'c', 'd'].map((n) => nodeInfo(makeNode(n)));
    const first = await scoreAll(createRandomScore(seededRandom(42)), nodes);
    const again = await scoreAll(createRandomScore(seededRandom(42)), nodes);
    const other = await scoreAll(createRandomScore(seededRandom(7)), nodes);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    for (const s of Object.values(first)) expect(Number.isInteger(s) && s >= 0 && s <= 100).toBe(true);
  });

  it('seededRandom stays in [0, 1) over many draws', () => {
    const next = seededRandom(123);
    for (let i = 0; i < 10_000; i++) {
      const x = next();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });

  it('loads as a default-export profile with the random scorer only', async () => {
    const loaded = await loadSchedulerFile(join(__dirname, '../../../examples/schedulers/random.ts'));
    expect(loaded).toMatchObject({ kind: 'profile', exportName: 'default' });
    const profile = await buildSchedulerProfile({ config: parseSchedulerConfig({}), binder: { bind: async () => {} }, loaded });
    expect(describeProfile(profile).score).toEqual(['RandomScore×1']);
  });
});

describe('zones.ts', () => {
  it.each([
    ['zone-a', ['zone-a', 'zone-b'], 100],
    ['zone-b', ['zone-a', 'zone-b'], 50],
    ['zone-c', ['zone-a', 'zone-b'], 0],
    [undefined, ['zone-a', 'zone-b'], 0],
    ['z3', ['z1', 'z2', 'z3', 'z4'], 50],
    ['z4', ['z1', 'z2', 'z3', 'z4'], 25],
  ])('zone %s with preference %j → %i', (zone, preferred, expected) => {
    expect(zoneScore(zone, preferred)).toBe(expected);
  });

  it('scores nodes by their topology.kubernetes.io/zone label', async () => {
    const zone = (name: string, z?: string) => nodeInfo(makeNode(name, { labels: z ? { 'topology.kubernetes.io/zone': z } : {} }));
    expect(await scoreAll(PreferredZones, [zone('w1', 'zone-b'), zone('w2', 'zone-a'), zone('w3')])).toEqual({ w1: 50, w2: 100, w3: 0 });
  });

  it('every example file passes the loader', async () => {
    for (const file of ['spread.ts', 'zones.ts', 'bin-packing.ts', 'random.ts']) {
      await expect(loadSchedulerFile(join(__dirname, '../../../examples/schedulers', file))).resolves.toBeDefined();
    }
  });
});
