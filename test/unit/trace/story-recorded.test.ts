import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonlFile } from '../../../lab/trace/export/jsonl.js';
import { diffStories } from '../../../lab/compare/story-diff.js';
import { buildStory, type StoryChapter } from '../../../lab/trace/story.js';

/**
 * The story level over traces recorded on the real cluster (test/fixtures/traces, exported with
 * `lab trace export --format jsonl --namespace NS`, which redacts): what a learner sees for a real
 * run, not for a trace written by hand. The synthetic traces in story.test.ts cover the edge cases.
 */
const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'traces');

async function chapters(file: string): Promise<StoryChapter[]> {
  return buildStory(await readJsonlFile(join(FIXTURES, file))).chapters;
}

const hops = (c: StoryChapter) => c.steps.map((s) => `${s.from} → ${s.to}`);
const notDone = (c: StoryChapter) => c.steps.filter((s) => s.state !== 'done').map((s) => `${s.number} ${s.title}: ${s.state}`);

describe('the story of recorded runs', () => {
  it('lab demo (3-replica create, the lab’s controllers): the eleven steps, all done, in the chain’s order, with real durations', async () => {
    const [create, ...rest] = await chapters('create-lab.jsonl');
    expect(rest).toEqual([]);
    expect(create!.scenario).toBe('create');
    expect(notDone(create!)).toEqual([]);
    expect(hops(create!)).toEqual([
      'kubectl → api-server', 'api-server → etcd', 'deployment-controller → api-server', 'api-server → etcd',
      'replicaset-controller → api-server', 'api-server → etcd', 'scheduler → api-server', 'kubelet → containerd',
      'kubelet → containerd', 'kubelet → api-server', 'kubelet → api-server',
    ]);
    expect(create!.steps[4]!.title).toMatch(/creates 3 pods/);
    for (const step of create!.steps) {
      expect(step.entryIds.length, step.title).toBeGreaterThan(0);
      expect(step.durationMs, step.title).toBeGreaterThanOrEqual(0);
    }
    // The chain takes time where it really does: the kubelet and containerd, not etcd.
    const took = (n: number) => create!.steps[n - 1]!.durationMs!;
    expect(took(8) + took(9)).toBeGreaterThan(took(2) + took(4));
  });

  it('lab compare create, built-in side: the same eleven steps with kube-controller-manager and default-scheduler as the actors', async () => {
    const [create, ...rest] = await chapters('create-builtin.jsonl');
    expect(rest).toEqual([]);
    expect(create!.scenario).toBe('create');
    expect(notDone(create!)).toEqual([]);
    expect(create!.steps.map((s) => s.actors[0])).toEqual(expect.arrayContaining(['kube-controller-manager/deployment-controller', 'kube-controller-manager/replicaset-controller', 'default-scheduler']));
    expect(create!.steps[2]!.title).toMatch(/^kube-controller-manager's Deployment controller sees the Deployment and creates ReplicaSet web-/);
    expect(create!.steps[6]!.title).toMatch(/^default-scheduler picks a node for each pod/);
  });
});

type Side = 'lab' | 'builtin';
const SIDES: readonly Side[] = ['lab', 'builtin'];
const GC = 'kube-controller-manager/generic-garbage-collector';
/** Who acts on each side, as the story names them (its actors) and words them (its titles). */
const CAST = {
  lab: { deployment: 'deployment-controller', replicaset: 'replicaset-controller', scheduler: 'scheduler', schedulerWords: 'lab-scheduler', controllerWords: "The lab's" },
  builtin: {
    deployment: 'kube-controller-manager/deployment-controller', replicaset: 'kube-controller-manager/replicaset-controller', scheduler: 'default-scheduler',
    schedulerWords: 'default-scheduler', controllerWords: "kube-controller-manager's",
  },
} as const;

/** The one step whose title matches. */
function stepOf(chapter: StoryChapter, title: RegExp): StoryChapter['steps'][number] {
  const found = chapter.steps.filter((s) => title.test(s.title));
  expect(found.map((s) => s.title), `one step matching ${title} in "${chapter.title}"`).toHaveLength(1);
  return found[0]!;
}
const indexOf = (chapter: StoryChapter, title: RegExp) => stepOf(chapter, title).number;
/** The ReplicaSet a create chapter made. */
const createdReplicaSet = (create: StoryChapter) => /creates ReplicaSet (web-\w+)$/.exec(stepOf(create, /creates ReplicaSet/).title)![1]!;
const nodeAgents = (actors: readonly string[]) => new Set(actors.map((a) => a.replace(/@.*$/, '@')));

/** A new pod's chain after its creation: stored, bound, sandbox, containers, Running, Ready. */
const POD_START_HOPS = ['api-server → etcd', 'scheduler → api-server', 'kubelet → containerd', 'kubelet → containerd', 'kubelet → api-server', 'kubelet → api-server'];
/** A deleted pod's chain after the delete: marked terminating, containers stopped, deleted for good by the kubelet, gone. */
const POD_STOP_HOPS = ['api-server → etcd', 'kubelet → containerd', 'kubelet → api-server', 'api-server → etcd'];
const laneHops = (c: StoryChapter) => hops(c).map((h) => h.replace(/kube-controller-manager\//g, '').replace('default-scheduler', 'scheduler'));

/** The pod-deletion steps a learner must see, each done, by the kubelet and containerd of the pods' nodes. */
function expectPodsStopped(chapter: StoryChapter, deleteStep: number): void {
  const after = chapter.steps.slice(deleteStep, deleteStep + 4);
  expect(after.map((s) => `${s.from} → ${s.to}`)).toEqual(POD_STOP_HOPS);
  const [marked, stopped, released, gone] = after;
  expect(marked!.title).toBe('The API server marks the pods terminating in etcd (deletionTimestamp)');
  expect(stopped!.title).toMatch(/^The kubelet has containerd stop their containers \(lab-worker/);
  expect(nodeAgents(stopped!.actors)).toEqual(new Set(['kubelet@', 'containerd@']));
  expect(released!.title).toBe('The kubelet, their containers stopped, deletes the pods for good');
  expect(nodeAgents(released!.actors)).toEqual(new Set(['kubelet@']));
  expect(gone!.title).toBe('The API server removes the pods from etcd');
}

describe.each(SIDES)('recorded lab compare runs, %s side', (side) => {
  const cast = CAST[side];

  it('scale (2 → 5 → 1): a create chapter, then a scale-up and a scale-down of the same ReplicaSet, every step done by this side’s actors', async () => {
    const [create, up, down, ...rest] = await chapters(`scale-${side}.jsonl`);
    expect(rest).toEqual([]);
    expect([create, up, down].map((c) => c!.scenario)).toEqual(['create', 'scale-up', 'scale-down']);
    for (const c of [create, up, down]) expect(notDone(c!)).toEqual([]);
    const rs = createdReplicaSet(create!);

    expect(laneHops(up!)).toEqual(['kubectl → api-server', 'api-server → etcd', 'deployment-controller → api-server', 'replicaset-controller → api-server', ...POD_START_HOPS]);
    expect(up!.steps[0]!.title).toBe('kubectl asks the API server to scale Deployment web');
    // No new ReplicaSet: the Deployment controller changes the replicas of the one the create made.
    expect(up!.steps[2]!.title).toBe(`${cast.controllerWords} Deployment controller scales ReplicaSet ${rs} ${side === 'lab' ? '2→5' : 'up'}`);
    expect(up!.steps[2]!.actors).toEqual([cast.deployment]);
    expect(up!.steps[3]!.title).toMatch(new RegExp(`ReplicaSet controller sees ReplicaSet ${rs} want more pods and creates 3 pods ${rs}-\\*$`));
    expect(up!.steps[3]!.actors).toEqual([cast.replicaset]);
    expect(up!.steps[5]!.title).toMatch(new RegExp(`^${cast.schedulerWords} picks a node for each pod`));
    expect(up!.steps[5]!.actors).toEqual([cast.scheduler]);

    expect(laneHops(down!)).toEqual(['kubectl → api-server', 'api-server → etcd', 'deployment-controller → api-server', 'replicaset-controller → api-server', ...POD_STOP_HOPS]);
    expect(down!.steps[2]!.title).toBe(`${cast.controllerWords} Deployment controller scales ReplicaSet ${rs} ${side === 'lab' ? '5→1' : 'down'}`);
    expect(down!.steps[3]!.title).toBe(`${cast.controllerWords} ReplicaSet controller deletes 4 pods ${rs}-*`);
    expect(down!.steps[3]!.actors).toEqual([cast.replicaset]);
    expectPodsStopped(down!, 4);
  });

  it('rolling update: a new ReplicaSet created and scaled up through Ready, the old one scaled down while it comes up, its pods stopped', async () => {
    const [create, update, ...rest] = await chapters(`rolling-update-${side}.jsonl`);
    expect(rest).toEqual([]);
    expect([create!.scenario, update!.scenario]).toEqual(['create', 'rolling-update']);
    for (const c of [create, update]) expect(notDone(c!)).toEqual([]);
    const old = createdReplicaSet(create!);
    const fresh = createdReplicaSet(update!);
    expect(fresh).not.toBe(old);
    expect(update!.steps[0]!.title).toBe('kubectl asks the API server to change Deployment web');

    const newRs = indexOf(update!, new RegExp(`creates ReplicaSet ${fresh}$`));
    // The audit log alone (built-in) gives no replica counts for a ReplicaSet made in the chapter: no direction is claimed.
    const scaledUp = indexOf(update!, new RegExp(`scales ReplicaSet ${fresh}${side === 'lab' ? ' 1→3' : ''}$`));
    const newPods = indexOf(update!, new RegExp(`creates 3 pods ${fresh}-\\*$`));
    const ready = indexOf(update!, /reports the pods Ready$/);
    const scaledDown = indexOf(update!, new RegExp(`scales ReplicaSet ${old} ${side === 'lab' ? '3→0' : 'down'}$`));
    const oldPods = indexOf(update!, new RegExp(`deletes 3 pods ${old}-\\*$`));
    expect([newRs, scaledUp, newPods, ready, scaledDown, oldPods]).toEqual([3, 5, 6, 12, 13, 14]);
    expect(laneHops(update!)).toEqual([
      'kubectl → api-server', 'api-server → etcd', 'deployment-controller → api-server', 'api-server → etcd', 'deployment-controller → api-server',
      'replicaset-controller → api-server', ...POD_START_HOPS, 'deployment-controller → api-server', 'replicaset-controller → api-server', ...POD_STOP_HOPS,
    ]);
    for (const n of [newRs, scaledUp, scaledDown]) expect(update!.steps[n - 1]!.actors).toEqual([cast.deployment]);
    for (const n of [newPods, oldPods]) expect(update!.steps[n - 1]!.actors).toEqual([cast.replicaset]);
    expectPodsStopped(update!, oldPods);
    // A rolling update: the old ReplicaSet starts scaling down before the last new pod is Ready.
    expect(update!.steps[scaledDown - 1]!.startMs!).toBeLessThan(update!.steps[ready - 1]!.endMs!);
  });

  it('delete: the Deployment gone, the garbage collector deletes its ReplicaSet and then the pods, which the kubelet and containerd terminate', async () => {
    const [create, del, ...rest] = await chapters(`delete-${side}.jsonl`);
    expect(rest).toEqual([]);
    expect([create!.scenario, del!.scenario]).toEqual(['create', 'delete']);
    // Every step done, none out of order (the etcd tap hears a removal late; the request it records came first).
    for (const c of [create, del]) expect(notDone(c!)).toEqual([]);
    const rs = createdReplicaSet(create!);
    expect(del!.steps.slice(0, 5).map((s) => s.title)).toEqual([
      'kubectl asks the API server to delete Deployment web',
      'The API server removes Deployment web from etcd',
      `The garbage collector deletes ReplicaSet ${rs}`,
      `The API server removes ReplicaSet ${rs} from etcd`,
      `The garbage collector deletes 3 pods ${rs}-*`,
    ]);
    // The lab runs no garbage collector: kube-controller-manager's deletes the dependents on both sides.
    expect(del!.steps[2]!.actors).toEqual([GC]);
    expect(del!.steps[4]!.actors).toEqual([GC]);
    expect(hops(del!)).toEqual(['kubectl → api-server', 'api-server → etcd', `${GC} → api-server`, 'api-server → etcd', `${GC} → api-server`, ...POD_STOP_HOPS]);
    expectPodsStopped(del!, 5);
  });

  it.each(['scale', 'rolling-update', 'delete'])('%s: only this side’s controllers and scheduler act in its story', async (scenario) => {
    const acting = new Set((await chapters(`${scenario}-${side}.jsonl`)).flatMap((c) => c.steps.flatMap((s) => s.actors)).filter((a) => !/^(kubectl|etcd|kubelet@|containerd@)/.test(a)));
    const own = [cast.deployment, cast.replicaset, cast.scheduler, ...(scenario === 'delete' ? [GC] : [])];
    expect([...acting].sort()).toEqual([...own].sort());
  });
});

describe('the two sides of each recorded lab compare run tell the same steps', () => {
  it.each(['create', 'scale', 'rolling-update', 'delete'])('%s: every chapter and step lined up, none only on one side, missing or out of order', async (scenario) => {
    const story = async (side: Side) => buildStory(await readJsonlFile(join(FIXTURES, `${scenario}-${side}.jsonl`)));
    const chaptersSideBySide = diffStories(await story('builtin'), await story('lab'));
    expect(chaptersSideBySide.length).toBeGreaterThan(0);
    for (const c of chaptersSideBySide) {
      expect(Object.keys(c.titles).sort(), c.scenario).toEqual(['builtin', 'lab']);
      expect(c.rows.map((r) => r.builtin?.number === r.lab?.number && r.builtin !== undefined), c.scenario).not.toContain(false);
      expect(c.rows.flatMap((r) => r.marks).filter((m) => m.kind !== 'slower'), c.scenario).toEqual([]);
    }
  });
});
