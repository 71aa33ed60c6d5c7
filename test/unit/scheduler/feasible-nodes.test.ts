import { describe, expect, it } from 'vitest';
import { parseSchedulerConfig } from '../../../controllers/scheduler/config.js';
import { CycleState } from '../../../controllers/scheduler/framework/cycle-state.js';
import { numFeasibleNodesToFind } from '../../../controllers/scheduler/framework/feasible-nodes.js';
import type { FilterPlugin, ScorePlugin } from '../../../controllers/scheduler/framework/interfaces.js';
import { buildProfile } from '../../../controllers/scheduler/framework/profile.js';
import { FrameworkRuntime } from '../../../controllers/scheduler/framework/runtime.js';
import { PrioritySort } from '../../../controllers/scheduler/plugins/priority-sort.js';
import { unschedulable } from '../../../controllers/scheduler/framework/status.js';
import { makeNode, makePod, nodeInfo } from './fixtures.js';

describe('numFeasibleNodesToFind (upstream TestNumFeasibleNodesToFind)', () => {
  it.each([
    ['unset, 10 nodes: all', undefined, 10, 10],
    ['set, 10 nodes: all (below 100 every node is filtered)', 40, 10, 10],
    ['unset, 1,000 nodes: 50 - 1000/125 = 42 %', undefined, 1000, 420],
    ['0 is the adaptive default too', 0, 1000, 420],
    ['set to 40, 1,000 nodes', 40, 1000, 400],
    ['unset, 6,000 nodes: the adaptive percentage stops at 5 %', undefined, 6000, 300],
    ['set to 40, 6,000 nodes', 40, 6000, 2400],
    ['never fewer than 100 once there are 100', 5, 150, 100],
    ['100 nodes exactly: 50 % would be 50, so 100', undefined, 100, 100],
  ])('%s', (_name, percentage, numAllNodes, want) => {
    expect(numFeasibleNodesToFind(percentage, numAllNodes)).toBe(want);
  });
});

const TrueFilter: FilterPlugin = { name: 'TrueFilter', filter: () => undefined };
const EqualScore: ScorePlugin = { name: 'EqualScore', score: () => 1 };

describe('a cycle filters only until it has found enough, and the next starts where it stopped (upstream TestFairEvaluationForNodes)', () => {
  const nodes = Array.from({ length: 500 }, (_, i) => nodeInfo(makeNode(`n${String(i).padStart(3, '0')}`)));

  it('500 nodes at 30 %: 150 feasible per cycle, the start moving 150 each time, round the list more than twice', async () => {
    const runtime = new FrameworkRuntime(buildProfile({ schedulerName: 'lab', plugins: [PrioritySort, TrueFilter, EqualScore], percentageOfNodesToScore: 30 }));
    const toFind = numFeasibleNodesToFind(30, 500);
    expect(toFind).toBe(150);
    for (let i = 0; i < 2 * (Math.floor(500 / toFind) + 1); i++) {
      const cycle = await runtime.schedulingCycle(new CycleState(), makePod({ name: `p${i}` }), nodes);
      expect(cycle.feasible).toHaveLength(toFind);
      expect(cycle.feasible[0]).toBe(nodes[(i * toFind) % 500]!.name);
      expect(cycle.numAllNodes).toBe(500);
    }
  });

  it('without Score plugins one feasible node is enough', async () => {
    const runtime = new FrameworkRuntime(buildProfile({ schedulerName: 'lab', plugins: [PrioritySort, TrueFilter] }));
    const first = await runtime.schedulingCycle(new CycleState(), makePod({ name: 'a' }), nodes);
    const second = await runtime.schedulingCycle(new CycleState(), makePod({ name: 'b' }), nodes);
    expect([first.feasible, second.feasible]).toEqual([['n000'], ['n001']]);
  });

  it('below 100 nodes every node is filtered, and the start stays put', async () => {
    const few = nodes.slice(0, 40);
    const runtime = new FrameworkRuntime(buildProfile({ schedulerName: 'lab', plugins: [PrioritySort, TrueFilter, EqualScore] }));
    for (const name of ['a', 'b']) {
      const cycle = await runtime.schedulingCycle(new CycleState(), makePod({ name }), few);
      expect(cycle.feasible).toEqual(few.map((n) => n.name));
    }
  });

  it('when none fits, every node is filtered and has its reason (what PostFilter and the FailedScheduling message need)', async () => {
    const NoFit: FilterPlugin = { name: 'NoFit', filter: () => unschedulable('no') };
    const runtime = new FrameworkRuntime(buildProfile({ schedulerName: 'lab', plugins: [PrioritySort, NoFit, EqualScore] }));
    const cycle = await runtime.schedulingCycle(new CycleState(), makePod({ name: 'x' }), nodes);
    expect(cycle.feasible).toEqual([]);
    expect(cycle.nodeStatuses.size).toBe(500);
  });
});

describe('percentageOfNodesToScore in the configuration file', () => {
  it('takes 0–100; anything else names the field and the range', () => {
    expect(parseSchedulerConfig({ percentageOfNodesToScore: 30 }).percentageOfNodesToScore).toBe(30);
    expect(parseSchedulerConfig({}).percentageOfNodesToScore).toBeUndefined();
    for (const bad of [-1, 101, 2.5]) expect(() => parseSchedulerConfig({ percentageOfNodesToScore: bad }), String(bad)).toThrow(/percentageOfNodesToScore/);
  });
});
