import { describe, expect, it } from 'vitest';
import { buildStory, type StoryChapter } from '../../../lab/trace/story.js';
import type { TraceEntry } from '../../../lab/trace/schema.js';
import { createTrace, deleteTrace, rollingUpdateTrace, scaleTrace, TraceBuilder, type Controllers } from './story-traces.js';

const titles = (c: StoryChapter) => c.steps.map((s) => s.title);
const states = (c: StoryChapter) => c.steps.map((s) => s.state);
const chaptersOf = (entries: TraceEntry[]) => buildStory(entries).chapters;

describe.each<Controllers>(['lab', 'builtin'])('the story of a 3-replica create (%s controllers)', (controllers) => {
  const entries = createTrace(controllers);
  const byId = new Map(entries.map((e) => [e.id, e]));
  const [chapter, ...rest] = chaptersOf(entries);

  it('is one create chapter of the ten-odd steps of seed 002, all done, in the chain order', () => {
    expect(rest).toEqual([]);
    expect(chapter!.scenario).toBe('create');
    expect(chapter!.title).toBe('kubectl create Deployment demo/web');
    expect(states(chapter!)).toEqual(Array(11).fill('done'));
    expect(chapter!.steps.map((s) => s.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(chapter!.steps.map((s) => [s.from, s.to].map((l) => l.replace(/^kube-controller-manager\//, '').replace('default-scheduler', 'scheduler')))).toEqual([
      ['kubectl', 'api-server'], ['api-server', 'etcd'], ['deployment-controller', 'api-server'], ['api-server', 'etcd'],
      ['replicaset-controller', 'api-server'], ['api-server', 'etcd'], ['scheduler', 'api-server'], ['kubelet', 'containerd'],
      ['kubelet', 'containerd'], ['kubelet', 'api-server'], ['kubelet', 'api-server'],
    ]);
  });

  it('names the actors that really acted: the lab components or the built-in ones', () => {
    const actors = chapter!.steps.map((s) => s.actors);
    if (controllers === 'lab') {
      expect(actors[2]).toEqual(['deployment-controller']);
      expect(actors[4]).toEqual(['replicaset-controller']);
      expect(actors[6]).toEqual(['scheduler']);
      expect(titles(chapter!)[2]).toBe("The lab's Deployment controller sees the Deployment and creates ReplicaSet web-77df657bb8");
    } else {
      expect(actors[2]).toEqual(['kube-controller-manager/deployment-controller']);
      expect(actors[4]).toEqual(['kube-controller-manager/replicaset-controller']);
      expect(actors[6]).toEqual(['default-scheduler']);
      expect(titles(chapter!)[2]).toBe("kube-controller-manager's Deployment controller sees the Deployment and creates ReplicaSet web-77df657bb8");
    }
    expect(titles(chapter!)[4]).toMatch(/creates 3 pods web-77df657bb8-\*$/);
    expect(new Set(actors[7])).toEqual(new Set(['kubelet@lab-worker', 'containerd@lab-worker', 'kubelet@lab-worker2', 'containerd@lab-worker2']));
  });

  it('points every step at real entries about its objects, housekeeping left out', () => {
    for (const step of chapter!.steps) {
      expect(step.entryIds.length).toBeGreaterThan(0);
      for (const id of step.entryIds) expect(byId.has(id)).toBe(true);
      const kinds = new Set(step.entryIds.map((id) => byId.get(id)!.object.kind));
      expect([...kinds].every((k) => ['Deployment', 'ReplicaSet', 'Pod'].includes(k))).toBe(true);
    }
    const bound = chapter!.steps[6]!.entryIds.map((id) => byId.get(id)!);
    expect(bound.filter((e) => e.tap === 'audit' && e.details.subresource === 'binding')).toHaveLength(3);
    expect(chapter!.steps[5]!.entryIds.map((id) => byId.get(id)!).every((e) => e.tap === 'etcd' && e.details.created === true)).toBe(true);
  });

  it('times each step from its first to its last entry', () => {
    const [request] = chapter!.steps;
    expect(request!).toMatchObject({ startMs: 200, endMs: 206, durationMs: 6 });
    for (const s of chapter!.steps) expect(s.durationMs).toBe(s.endMs! - s.startMs!);
    const running = chapter!.steps[9]!;
    const runningEntries = running.entryIds.map((id) => byId.get(id)!);
    expect(running.startMs).toBe(Math.min(...runningEntries.map((e) => e.tMs)));
  });
});

describe('steps that did not happen, or happened out of order', () => {
  it('shows the chain after the binding as missing when no kubelet or containerd entry is in the trace', () => {
    const entries = createTrace('lab').filter((e) => e.tap !== 'containerd' && e.tap !== 'kubelet');
    const [chapter] = chaptersOf(entries);
    expect(states(chapter!)).toEqual(['done', 'done', 'done', 'done', 'done', 'done', 'done', 'missing', 'missing', 'missing', 'missing']);
    for (const s of chapter!.steps.slice(7)) {
      expect(s.entryIds).toEqual([]);
      expect(s.startMs).toBeUndefined();
      expect(s.durationMs).toBeUndefined();
    }
  });

  it("without the containerd tap, the kubelet's Started events still show the containers started", () => {
    const [chapter] = chaptersOf(createTrace('builtin').filter((e) => e.tap !== 'containerd'));
    expect(chapter!.steps[7]!.state).toBe('missing');
    expect(chapter!.steps[8]).toMatchObject({ state: 'done', title: 'The kubelet has the containers started' });
  });

  it('invents no names when no controller acted on the Deployment', () => {
    const entries = createTrace('builtin').filter((e) => e.object.kind === 'Deployment');
    const [chapter] = chaptersOf(entries);
    expect(states(chapter!)).toEqual(['done', 'done', ...Array(9).fill('missing')]);
    expect(titles(chapter!)[2]).toBe('The Deployment controller sees the Deployment and creates a ReplicaSet');
    expect(titles(chapter!).join(' ')).not.toMatch(/web-/);
  });

  it('marks a sandbox started before its pod was bound as out of order, naming the pod', () => {
    const entries = createTrace('lab');
    const firstBinding = entries.find((e) => e.tap === 'audit' && e.details.subresource === 'binding')!;
    const shifted = entries.map((e) => (e.tap === 'containerd' && e.object.name === firstBinding.object.name && e.details.containerKind === 'sandbox' ? { ...e, tMs: firstBinding.tMs - 50 } : e));
    const [chapter] = chaptersOf(shifted);
    const sandbox = chapter!.steps[7]!;
    expect(sandbox.state).toBe('out-of-order');
    expect(sandbox.note).toContain(firstBinding.object.name);
    expect(states(chapter!).filter((s) => s === 'out-of-order')).toHaveLength(1);
  });
});

describe.each<Controllers>(['lab', 'builtin'])('scale, rolling update and delete (%s controllers)', (controllers) => {
  it('scale up: the ReplicaSet scaled up, 2 new pods through the whole chain', () => {
    const [, chapter] = chaptersOf(scaleTrace(controllers, 3, 5));
    expect(chapter!.scenario).toBe('scale-up');
    expect(chapter!.title).toBe('kubectl patch Deployment/scale demo/web');
    expect(states(chapter!)).toEqual(Array(10).fill('done'));
    expect(titles(chapter!)[0]).toBe('kubectl asks the API server to scale Deployment web to 5 replicas');
    // The lab's controllers' watch events show the counts; for the built-ins, the audit log's bodies do.
    expect(titles(chapter!)[2]).toMatch(/scales ReplicaSet web-77df657bb8 3→5$/);
    expect(titles(chapter!)[3]).toMatch(/creates 2 pods web-77df657bb8-\*$/);
  });

  it('scale down: 2 pods deleted, marked terminating, their containers stopped, deleted for good by the kubelet, their keys removed from etcd', () => {
    const [, chapter] = chaptersOf(scaleTrace(controllers, 3, 1));
    expect(chapter!.scenario).toBe('scale-down');
    expect(titles(chapter!).slice(2)).toEqual([
      expect.stringMatching(/scales ReplicaSet web-77df657bb8 3→1$/),
      expect.stringMatching(/ReplicaSet controller deletes 2 pods web-77df657bb8-\*$/),
      'The API server marks the pods terminating in etcd (deletionTimestamp)',
      'The kubelet has containerd stop their containers (lab-worker2, lab-worker)',
      'The kubelet, their containers stopped, deletes the pods for good',
      'The API server removes the pods from etcd',
    ]);
    expect(states(chapter!)).toEqual(Array(8).fill('done'));
    expect(chapter!.steps.slice(4).map((s) => `${s.from} → ${s.to}`)).toEqual(['api-server → etcd', 'kubelet → containerd', 'kubelet → api-server', 'api-server → etcd']);
    expect(chapter!.steps[6]!.actors).toEqual(['kubelet@lab-worker2', 'kubelet@lab-worker']);
  });

  it('rolling update: the new ReplicaSet is created and scales up, the old one scales down', () => {
    const [, chapter] = chaptersOf(rollingUpdateTrace(controllers));
    expect(chapter!.scenario).toBe('rolling-update');
    const t = titles(chapter!);
    const newRs = t.findIndex((s) => s.includes('creates ReplicaSet web-5c8f9d6b4'));
    const up = t.findIndex((s) => /scales ReplicaSet web-5c8f9d6b4 1→3$/.test(s));
    const newPods = t.findIndex((s) => /creates 3 pods web-5c8f9d6b4-\*$/.test(s));
    const down = t.findIndex((s) => /scales ReplicaSet web-77df657bb8 3→0$/.test(s));
    const oldPods = t.findIndex((s) => /deletes 3 pods web-77df657bb8-\*$/.test(s));
    expect([newRs, up, newPods, down, oldPods].every((i) => i > 0)).toBe(true);
    expect(newRs < up && up < down && down < oldPods).toBe(true);
    expect(states(chapter!).every((s) => s === 'done')).toBe(true);
    // The old ReplicaSet starts scaling down before the new pods are all Ready: the steps overlap in time.
    const lastReady = chapter!.steps.find((s) => s.title === 'The kubelet reports the pods Ready')!;
    expect(chapter!.steps[down]!.startMs!).toBeLessThan(lastReady.endMs!);
  });

  it('with audit lines that carry no bodies (traces recorded before), the lab still shows counts and the built-ins the direction only', () => {
    const [, up] = chaptersOf(scaleTrace(controllers, 3, 5, false));
    expect(titles(up!)[0]).toBe('kubectl asks the API server to scale Deployment web');
    expect(titles(up!)[2]).toMatch(controllers === 'lab' ? /scales ReplicaSet web-77df657bb8 3→5$/ : /scales ReplicaSet web-77df657bb8 up$/);
    const [, rolling] = chaptersOf(rollingUpdateTrace(controllers, 3, false));
    // The new ReplicaSet's pods came from its creation too: with no counts, no direction is claimed.
    expect(titles(rolling!).some((s) => (controllers === 'lab' ? /scales ReplicaSet web-5c8f9d6b4 1→3$/ : /scales ReplicaSet web-5c8f9d6b4$/).test(s))).toBe(true);
  });

  it('delete: the garbage collector deletes the ReplicaSet and its pods; containers stop; etcd forgets them', () => {
    const [, chapter] = chaptersOf(deleteTrace(controllers));
    expect(chapter!.scenario).toBe('delete');
    expect(titles(chapter!)).toEqual([
      'kubectl asks the API server to delete Deployment web',
      'The API server removes Deployment web from etcd',
      'The garbage collector deletes ReplicaSet web-77df657bb8',
      'The API server removes ReplicaSet web-77df657bb8 from etcd',
      'The garbage collector deletes 3 pods web-77df657bb8-*',
      'The API server marks the pods terminating in etcd (deletionTimestamp)',
      'The kubelet has containerd stop their containers (lab-worker2 ×2, lab-worker)',
      'The kubelet, their containers stopped, deletes the pods for good',
      'The API server removes the pods from etcd',
    ]);
    expect(states(chapter!).every((s) => s === 'done')).toBe(true);
  });
});

describe('deletions as the real cluster records them', () => {
  it.each<Controllers>(['lab', 'builtin'])('a ReplicaSet removed at once is not "after" its pods\' deletes because the etcd tap heard of it late (%s)', (controllers) => {
    // The audit line of a delete answered with a Status has no resourceVersion; the etcd tap hears
    // the DELETE 400 ms late, after the garbage collector already deleted the pods (recorded so).
    const entries = deleteTrace(controllers, 400);
    const [, chapter] = chaptersOf(entries);
    const gc = chapter!.steps.find((s) => /deletes 3 pods/.test(s.title))!;
    const rsGone = chapter!.steps.find((s) => /removes ReplicaSet .* from etcd/.test(s.title))!;
    expect(rsGone.startMs!).toBeGreaterThan(gc.startMs!);
    expect(states(chapter!).every((s) => s === 'done')).toBe(true);
  });

  it('a pod deletion without the etcd mark or the kubelet\'s final delete in the trace shows those steps missing, invents none', () => {
    const deletes = deleteTrace('builtin');
    const podDeletes = new Set(deletes.filter((e) => e.object.kind === 'Pod' && e.verb === 'delete' && e.actor.startsWith('kube-controller-manager/')).map((e) => e.resourceVersion));
    const withoutMarks = deletes.filter((e) => !(e.tap === 'etcd' && e.object.kind === 'Pod' && podDeletes.has(e.resourceVersion)));
    const withoutKubeletDelete = withoutMarks.filter((e) => !(e.object.kind === 'Pod' && e.verb === 'delete' && e.actor.startsWith('kubelet@')));
    const [, chapter] = chaptersOf(withoutKubeletDelete);
    const stateOf = (title: RegExp) => chapter!.steps.find((s) => title.test(s.title))!.state;
    expect(stateOf(/marks the pods terminating/)).toBe('missing');
    expect(stateOf(/deletes the pods for good/)).toBe('missing');
    expect(stateOf(/stop their containers/)).toBe('done');
    expect(stateOf(/removes the pods from etcd/)).toBe('done');
  });
});

describe('buildStory', () => {
  it('is a pure function of the entries (their order does not matter)', () => {
    const entries = rollingUpdateTrace('lab');
    expect(buildStory([...entries].reverse())).toEqual(buildStory(entries));
  });

  it('opens no chapter for housekeeping or failed requests, and one per Deployment request', () => {
    const b = new TraceBuilder('builtin');
    b.createDeployment(200, 'web', 1, 'aaa');
    b.createDeployment(300, 'api', 2, 'bbb');
    const chapters = buildStory(b.entries()).chapters;
    expect(chapters.map((c) => c.deployment)).toEqual(['Deployment/demo/web', 'Deployment/demo/api']);
    expect(chapters.map((c) => c.steps[4]!.title)).toEqual([
      expect.stringMatching(/creates 1 pod web-aaa-\w+$/),
      expect.stringMatching(/creates 2 pods api-bbb-\*$/),
    ]);
  });
});
