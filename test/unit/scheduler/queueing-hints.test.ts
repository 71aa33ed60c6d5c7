/**
 * The queueing hints for a bound pod's change, with upstream's cases
 * (podtopologyspread/plugin_test.go and interpodaffinity/plugin_test.go,
 * Test_isSchedulableAfterPodChange): true where upstream answers Queue, false for QueueSkip.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { affinityMayHelp } from '../../../controllers/scheduler/plugins/inter-pod-affinity.js';
import { spreadMayHelp } from '../../../controllers/scheduler/plugins/pod-topology-spread.js';
import { barSelector, exists, fooSelector, labelsIn, pod, spread } from './upstream-fixtures.js';

const p = (uid: string, o: { node?: string; labels?: Record<string, string>; ns?: string } = {}): V1Pod => {
  const made = pod(uid, { node: o.node, labels: o.labels, ns: o.ns });
  return { ...made, metadata: { ...made.metadata, uid } };
};
const target = p('p', { labels: { foo: '' } });
target.spec!.topologySpreadConstraints = [spread(1, 'zone', 'DoNotSchedule', fooSelector)];
const two = p('p', { labels: { foo: '' } });
two.spec!.topologySpreadConstraints = [spread(1, 'zone', 'DoNotSchedule', fooSelector), spread(1, 'node', 'DoNotSchedule', barSelector)];
const N = 'fake-node';

describe('PodTopologySpread: spreadMayHelp (upstream Test_isSchedulableAfterPodChange)', () => {
  it.each([
    { name: 'add pod with labels match topologySpreadConstraints selector', newPod: p('p2', { node: N, labels: { foo: '' } }), want: true },
    { name: 'add un-scheduled pod', newPod: p('p2', { labels: { foo: '' } }), want: false },
    { name: 'update un-scheduled pod', oldPod: p('p2', { labels: { bar: '' } }), newPod: p('p2', { labels: { foo: '' } }), want: false },
    { name: 'delete un-scheduled pod', oldPod: p('p2', { labels: { foo: '' } }), want: false },
    { name: 'add pod with different namespace', newPod: p('p2', { node: N, ns: 'fake-namespace', labels: { foo: '' } }), want: false },
    { name: "add pod with labels don't match topologySpreadConstraints selector", newPod: p('p2', { node: N, labels: { bar: '' } }), want: false },
    { name: 'delete pod with labels that match topologySpreadConstraints selector', oldPod: p('p2', { node: N, labels: { foo: '' } }), want: true },
    { name: "delete pod with labels that don't match topologySpreadConstraints selector", oldPod: p('p2', { node: N, labels: { bar: '' } }), want: false },
    { name: "update pod's non-related label", oldPod: p('p2', { node: N, labels: { foo: '', bar: 'bar1' } }), newPod: p('p2', { node: N, labels: { foo: '', bar: 'bar2' } }), want: false },
    { name: "add pod's label that matches topologySpreadConstraints selector", oldPod: p('p2', { node: N }), newPod: p('p2', { node: N, labels: { foo: '' } }), want: true },
    { name: 'delete pod label that matches topologySpreadConstraints selector', oldPod: p('p2', { node: N, labels: { foo: '' } }), newPod: p('p2', { node: N }), want: true },
    { name: "change pod's label that matches topologySpreadConstraints selector", oldPod: p('p2', { node: N, labels: { foo: 'foo1' } }), newPod: p('p2', { node: N, labels: { foo: 'foo2' } }), want: false },
  ])('$name', ({ oldPod, newPod, want }) => {
    expect(spreadMayHelp(target, oldPod, newPod)).toBe(want);
  });

  it("add pod's label that matches topologySpreadConstraints selector with multi topologySpreadConstraints", () => {
    expect(spreadMayHelp(two, p('p2', { node: N, labels: { foo: '' } }), p('p2', { node: N, labels: { foo: '', bar: 'bar2' } }))).toBe(true);
  });
});

describe('InterPodAffinity: affinityMayHelp (upstream Test_isSchedulableAfterPodChange)', () => {
  const withAffinity = pod('p', { podAffinity: { required: [{ labelSelector: labelsIn('service', ['securityscan', 'value2']), topologyKey: 'region' }] } });
  const multi = pod('p', { podAffinity: { required: [{ labelSelector: exists('aaa'), topologyKey: 'hostname' }, { labelSelector: exists('bbb'), topologyKey: 'hostname' }] } });
  const withAnti = pod('p', { podAntiAffinity: { required: [{ labelSelector: labelsIn('service', ['securityscan', 'value2']), topologyKey: 'region' }] } });
  /** A pod with these labels, bound to fake-node (null: not scheduled). */
  const on = (labels: Record<string, string>, node: string | null = N) => pod('x', { node: node ?? undefined, labels });
  it.each([
    { name: 'add a pod which matches the pod affinity', target: withAffinity, newPod: on({ service: 'securityscan' }), want: true },
    { name: 'add an un-scheduled pod', target: withAffinity, newPod: on({ service: 'securityscan' }, null), want: false },
    { name: "add a pod which doesn't match the pod affinity", target: withAffinity, newPod: on({ aaa: 'a' }), want: false },
    { name: 'update a pod from non-match to match pod affinity', target: withAffinity, oldPod: on({ aaa: 'a' }), newPod: on({ service: 'securityscan' }), want: true },
    { name: "the updating pod matches target pod's affinity both before and after label changes", target: withAffinity, oldPod: on({ service: 'value2' }), newPod: on({ service: 'securityscan' }), want: false },
    { name: 'update an un-scheduled pod', target: withAffinity, oldPod: on({ service: 'securityscan' }, null), newPod: on({ service: 'securityscan' }, null), want: false },
    { name: 'update a pod from match to non-match the pod affinity', target: withAffinity, oldPod: on({ service: 'securityscan' }), newPod: on({ aaa: 'a' }), want: false },
    { name: "update a pod from match to non-match pod's affinity - multiple terms case", target: multi, oldPod: on({ aaa: 'a' }), newPod: on({ service: 'securityscan' }), want: false },
    { name: "update a pod from non-match to match pod's affinity - multiple terms case", target: multi, oldPod: on({ aaa: 'a' }), newPod: on({ aaa: '', bbb: '' }), want: true },
    { name: 'modify pod label to change it from satisfying pod anti-affinity to not satisfying anti-affinity', target: withAnti, oldPod: on({ service: 'securityscan' }), newPod: on({ service: 'aaaa' }), want: true },
    { name: 'modify pod label to change it from not satisfying pod anti-affinity to satisfying anti-affinity', target: withAnti, oldPod: on({ service: 'bbb' }), newPod: on({ service: 'securityscan' }), want: false },
    { name: "delete a pod which doesn't match pod's anti-affinity", target: withAnti, oldPod: on({ aaa: 'a' }), want: false },
    { name: "delete a pod which matches pod's anti-affinity", target: withAnti, oldPod: on({ service: 'securityscan' }), want: true },
  ])('$name', ({ target: t, oldPod, newPod, want }) => {
    expect(affinityMayHelp(t, oldPod, newPod)).toBe(want);
  });
});
