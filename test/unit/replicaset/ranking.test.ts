// Cases from upstream pkg/controller/controller_utils_test.go (TestSortingActivePods,
// TestSortingActivePodsWithRanks), rewritten as tables.
import { describe, expect, it } from 'vitest';
import type { V1Pod, V1ReplicaSet } from '@kubernetes/client-node';
import {
  POD_DELETION_COST_ANNOTATION,
  compareForDeletion,
  deletesBefore,
  podDeletionCost,
  podsToDelete,
  rankByRelatedPodsOnSameNode,
  relatedPods,
} from '../../../controllers/replicaset/ranking.js';

const now = new Date('2025-06-01T12:00:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3600_000);
const then1Month = new Date('2025-05-01T12:00:00Z');

function pod(
  name: string,
  nodeName: string,
  phase: string,
  ready: boolean,
  restarts = 0,
  readySince?: Date,
  created?: Date,
  annotations?: Record<string, string>,
): V1Pod {
  return {
    metadata: { name, creationTimestamp: created, annotations },
    spec: { nodeName, containers: [] },
    status: {
      phase,
      conditions: ready ? [{ type: 'Ready', status: 'True', lastTransitionTime: readySince }] : [],
      containerStatuses: ready ? [{ name: 'c', image: 'i', imageID: '', ready: true, restartCount: restarts }] : [],
    },
  } as V1Pod;
}

const unscheduled = pod('unscheduled', '', 'Pending', false);
const scheduledPending = pod('pending', 'node', 'Pending', false);
const unknownPhase = pod('unknown-phase', 'node', 'Unknown', false);
const runningNotReady = pod('not-ready', 'node', 'Running', false);
const readyNoTransitionTime = pod('ready-no-last-transition-time', 'node', 'Running', true);
const readyNow = pod('ready-now', 'node', 'Running', true, 0, now, now);
const readyThen = pod('ready-then', 'node', 'Running', true, 0, then1Month, then1Month);
const readyNowHighRestarts = pod('ready-high-restarts', 'node', 'Running', true, 9001, now, now);
const readyNowCreatedThen = pod('ready-now-created-then', 'node', 'Running', true, 0, now, then1Month);
const lowDeletionCost = pod('low-deletion-cost', 'node', 'Running', true, 0, now, then1Month, { [POD_DELETION_COST_ANNOTATION]: '10' });
const highDeletionCost = pod('high-deletion-cost', 'node', 'Running', true, 0, now, then1Month, { [POD_DELETION_COST_ANNOTATION]: '100' });
const unscheduled5Hours = pod('unscheduled-5-hours', '', 'Pending', false, 0, hoursAgo(5), hoursAgo(5));
const unscheduled8Hours = pod('unscheduled-8-hours', '', 'Pending', false, 0, hoursAgo(8), hoursAgo(8));
const ready2Hours = pod('ready-2-hours', '', 'Running', true, 0, hoursAgo(2), then1Month);
const ready5Hours = pod('ready-5-hours', '', 'Running', true, 0, hoursAgo(5), then1Month);
const ready8Hours = pod('ready-8-hours', '', 'Running', true, 0, hoursAgo(8), then1Month);

describe('deletesBefore: equal pods', () => {
  it.each([
    [unscheduled, unscheduled],
    [scheduledPending, scheduledPending],
    [unknownPhase, unknownPhase],
    [runningNotReady, runningNotReady],
    [readyNowCreatedThen, readyNowCreatedThen],
    [readyNow, readyNow],
    [readyThen, readyThen],
    [readyNowHighRestarts, readyNowHighRestarts],
    // same power-of-two age bucket: equal under logarithmic scale-down
    [unscheduled5Hours, unscheduled8Hours],
    [ready5Hours, ready8Hours],
  ])('%# %s ~ %s', (a, b) => {
    expect(deletesBefore({ pod: a, rank: 1 }, { pod: b, rank: 1 }, now)).toBe(false);
    expect(deletesBefore({ pod: b, rank: 1 }, { pod: a, rank: 1 }, now)).toBe(false);
  });
});

describe('deletesBefore: lesser is deleted first', () => {
  it.each([
    ['unscheduled before scheduled, rank ignored (1)', unscheduled, 1, scheduledPending, 2],
    ['unscheduled before scheduled, rank ignored (2)', unscheduled, 2, scheduledPending, 1],
    ['Pending before Unknown', scheduledPending, 1, unknownPhase, 2],
    ['Unknown before Running', unknownPhase, 1, runningNotReady, 2],
    ['not ready before ready', runningNotReady, 1, readyNoTransitionTime, 1],
    ['unknown ready time before known', readyNoTransitionTime, 1, readyNow, 1],
    ['higher rank first', readyNow, 2, readyNoTransitionTime, 1],
    ['more recently ready first', readyNow, 1, readyThen, 1],
    ['rank beats ready time', readyNow, 2, readyThen, 1],
    ['more restarts first', readyNowHighRestarts, 1, readyNow, 1],
    ['rank beats restarts', readyNow, 2, readyNowHighRestarts, 1],
    ['newer first', readyNow, 1, readyNowCreatedThen, 1],
    ['rank beats age', readyNowCreatedThen, 2, readyNow, 1],
    ['lower deletion cost beats rank', lowDeletionCost, 2, highDeletionCost, 1],
    ['different log buckets of ready time', ready2Hours, 1, ready5Hours, 1],
  ] as Array<[string, V1Pod, number, V1Pod, number]>)('%s', (_name, lesser, lesserRank, greater, greaterRank) => {
    expect(deletesBefore({ pod: lesser, rank: lesserRank }, { pod: greater, rank: greaterRank }, now)).toBe(true);
    expect(deletesBefore({ pod: greater, rank: greaterRank }, { pod: lesser, rank: lesserRank }, now)).toBe(false);
  });

  it('without a reference time compares exact times (5 h ready goes before 8 h ready)', () => {
    expect(deletesBefore({ pod: ready5Hours, rank: 1 }, { pod: ready8Hours, rank: 1 })).toBe(true);
  });

  it('ties within a log bucket are broken by uid', () => {
    const a = { ...ready5Hours, metadata: { ...ready5Hours.metadata, uid: 'aaa' } };
    const b = { ...ready8Hours, metadata: { ...ready8Hours.metadata, uid: 'bbb' } };
    expect(deletesBefore({ pod: a, rank: 1 }, { pod: b, rank: 1 }, now)).toBe(true);
    expect(deletesBefore({ pod: b, rank: 1 }, { pod: a, rank: 1 }, now)).toBe(false);
  });
});

describe('sorting active pods (TestSortingActivePods)', () => {
  const then = new Date(now.getTime() - 3600_000);
  const base = (name: string, node: string, phase: string): V1Pod => ({ metadata: { name }, spec: { nodeName: node, containers: [] }, status: { phase } });
  const readyPod = (name: string, transition: Date | undefined, restarts: number[], created?: Date): V1Pod => ({
    metadata: { name, creationTimestamp: created },
    spec: { nodeName: 'foo', containers: [] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: transition }],
      containerStatuses: restarts.map((restartCount, i) => ({ name: `c${i}`, image: 'i', imageID: '', ready: true, restartCount })),
    },
  });
  const pods = [
    base('unscheduled', '', 'Pending'),
    base('scheduledButPending', 'bar', 'Pending'),
    base('unknownPhase', 'foo', 'Unknown'),
    base('runningButNotReady', 'foo', 'Running'),
    readyPod('runningNoLastTransitionTime', undefined, [3, 0]),
    readyPod('runningWithLastTransitionTime', now, [3, 0]),
    readyPod('runningLongerTime', then, [3, 0]),
    readyPod('lowerContainerRestartCount', then, [2, 1], now),
    readyPod('oldest', then, [2, 1], then),
  ];
  const want = pods.map((p) => p.metadata!.name);

  it('sorts every permutation into the same order', () => {
    for (let i = 0; i < 20; i++) {
      const shuffled = [...pods].sort(() => Math.random() - 0.5);
      const sorted = shuffled.map((p) => ({ pod: p, rank: 0 })).sort(compareForDeletion());
      expect(sorted.map((r) => r.pod.metadata!.name)).toEqual(want);
    }
  });
});

describe('rank and podsToDelete', () => {
  const onNode = (name: string, node: string, created: Date): V1Pod => pod(name, node, 'Running', true, 0, then1Month, created);

  it('ranks by active related pods on the same node, ignoring inactive ones', () => {
    const a = onNode('a', 'n1', now);
    const b = onNode('b', 'n1', now);
    const c = onNode('c', 'n2', now);
    const gone = { ...onNode('gone', 'n2', now), status: { phase: 'Succeeded' } };
    expect(rankByRelatedPodsOnSameNode([a, c], [a, b, c, gone]).map((r) => r.rank)).toEqual([2, 1]);
  });

  it('deletes from the most crowded node first, then the newest', () => {
    const pods = [onNode('n1-old', 'n1', hoursAgo(100)), onNode('n1-new', 'n1', hoursAgo(1)), onNode('n2', 'n2', hoursAgo(0.5))];
    expect(podsToDelete(pods, pods, 1, now).map((p) => p.metadata!.name)).toEqual(['n1-new']);
    expect(podsToDelete(pods, pods, 2, now).map((p) => p.metadata!.name)).toEqual(['n1-new', 'n1-old']);
    expect(podsToDelete(pods, pods, 5, now)).toHaveLength(3);
  });

  it('podDeletionCost ignores invalid values', () => {
    const withCost = (v: string) => ({ metadata: { annotations: { [POD_DELETION_COST_ANNOTATION]: v } } });
    expect([podDeletionCost(withCost('-5')), podDeletionCost(withCost('abc')), podDeletionCost(withCost('99999999999')), podDeletionCost({})]).toEqual([-5, 0, 0, 0]);
  });

  it('relatedPods includes pods of sibling ReplicaSets with the same controller', () => {
    const deploymentRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd', uid: 'dep', controller: true };
    const rs = (uid: string, owner?: typeof deploymentRef): V1ReplicaSet => ({ metadata: { name: uid, namespace: 'ns', uid, ownerReferences: owner ? [owner] : [] } });
    const podOf = (name: string, uid: string): V1Pod => ({ metadata: { name, namespace: 'ns', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true }] } });
    const all = [rs('new', deploymentRef), rs('old', deploymentRef), rs('unrelated')];
    const pods = [podOf('p1', 'new'), podOf('p2', 'old'), podOf('p3', 'unrelated'), { metadata: { name: 'orphan', namespace: 'ns' } }];
    expect(relatedPods(all[0]!, all, pods).map((p) => p.metadata!.name)).toEqual(['p1', 'p2']);
    expect(relatedPods(all[2]!, all, pods).map((p) => p.metadata!.name)).toEqual(['p3']);
  });
});
