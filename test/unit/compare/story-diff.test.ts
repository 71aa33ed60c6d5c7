import { describe, expect, it } from 'vitest';
import { diffStories, stepMarks, type StoryDiffChapter } from '../../../lab/compare/story-diff.js';
import { sharedTitle, storyDiffText } from '../../../lab/compare/story-diff-text.js';
import { buildStory, type Story, type StoryStep } from '../../../lab/trace/story.js';
import { createTrace, deleteTrace, rollingUpdateTrace, scaleTrace, TraceBuilder } from '../trace/story-traces.js';

const storyOf = (entries: Parameters<typeof buildStory>[0]) => buildStory(entries);
const allMarks = (chapters: StoryDiffChapter[]) => chapters.flatMap((c) => c.rows.flatMap((r) => r.marks));

describe('diffStories over the two sides of the same scenario', () => {
  it.each([
    ['create', () => createTrace('builtin'), () => createTrace('lab')],
    ['scale', () => scaleTrace('builtin', 2, 5), () => scaleTrace('lab', 2, 5)],
    ['rolling update', () => rollingUpdateTrace('builtin'), () => rollingUpdateTrace('lab')],
    ['delete', () => deleteTrace('builtin'), () => deleteTrace('lab')],
  ])('%s: every step lines up with its counterpart (other actors), and nothing is marked', (_, builtin, lab) => {
    const b = storyOf(builtin());
    const l = storyOf(lab());
    const chapters = diffStories(b, l);
    expect(chapters.map((c) => c.scenario)).toEqual(b.chapters.map((c) => c.scenario));
    for (const [i, c] of chapters.entries()) {
      expect(c.rows.length).toBe(b.chapters[i]!.steps.length);
      expect(c.rows.every((r) => r.builtin && r.lab && r.builtin.number === r.lab.number)).toBe(true);
    }
    expect(allMarks(chapters)).toEqual([]);
  });

  it('names each side\'s actors: the built-in controllers on one side, the lab\'s on the other', () => {
    const [create] = diffStories(storyOf(createTrace('builtin')), storyOf(createTrace('lab')));
    const row = create!.rows[2]!;
    expect(row.hop).toBe('deployment controller → api-server');
    expect(row.builtin!.actors).toEqual(['kube-controller-manager/deployment-controller']);
    expect(row.lab!.actors).toEqual(['deployment-controller']);
    expect(create!.titles).toEqual({ builtin: 'kubectl create Deployment demo/web', lab: 'kubectl create Deployment demo/web' });
  });

  it('marks a chapter only one side told, step by step', () => {
    const b = new TraceBuilder('builtin');
    const ready = b.createDeployment(200, 'web', 2, '77df657bb8');
    b.scaleDeployment(ready + 2000, 'web', 'web-77df657bb8', 4);
    const chapters = diffStories(storyOf(b.entries()), storyOf(createTrace('lab', 2)));
    expect(chapters.map((c) => [c.scenario, Object.keys(c.titles)])).toEqual([['create', ['builtin', 'lab']], ['scale-up', ['builtin']]]);
    expect(chapters[1]!.rows.every((r) => r.lab === undefined && r.marks[0]?.kind === 'only' && r.marks[0].side === 'builtin')).toBe(true);
    expect(storyDiffText(chapters).join('\n')).toContain('built-in only');
  });

  it('marks a step that took much longer on one side, and a step the other side is missing', () => {
    const lab = storyOf(createTrace('lab'));
    const builtin: Story = structuredClone(storyOf(createTrace('builtin')));
    const steps = builtin.chapters[0]!.steps;
    const slow = steps[7]!; // the sandbox step: ~0.8 s
    slow.durationMs = slow.durationMs! * 3;
    Object.assign(steps[6]!, { state: 'missing', entryIds: [], startMs: undefined, endMs: undefined, durationMs: undefined });
    const [chapter] = diffStories(builtin, lab);
    expect(chapter!.rows[6]!.marks).toEqual([{ kind: 'missing', side: 'builtin' }]);
    expect(chapter!.rows[7]!.marks).toEqual([expect.objectContaining({ kind: 'slower', side: 'builtin', ratio: 3 })]);
    const text = storyDiffText([chapter!]).join('\n');
    expect(text).toContain('missing on built-in');
    expect(text).toContain('built-in 3× longer');
  });
});

describe('stepMarks', () => {
  const step = (over: Partial<StoryStep>): StoryStep => ({ number: 1, title: 't', actors: [], from: 'kubectl', to: 'api-server', entryIds: [1], state: 'done', ...over });

  it('calls a step longer only when it is both ≥ 2× and ≥ 200 ms longer', () => {
    expect(stepMarks({ builtin: step({ durationMs: 3 }), lab: step({ durationMs: 8 }) })).toEqual([]); // 2.7× but 5 ms
    expect(stepMarks({ builtin: step({ durationMs: 10_000 }), lab: step({ durationMs: 10_300 }) })).toEqual([]); // 300 ms but 1.03×
    expect(stepMarks({ builtin: step({ durationMs: 100 }), lab: step({ durationMs: 300 }) })).toEqual([{ kind: 'slower', side: 'lab', ratio: 3, gapMs: 200 }]);
    expect(stepMarks({ builtin: step({ durationMs: 250 }), lab: step({ durationMs: 0 }) })).toEqual([{ kind: 'slower', side: 'builtin', ratio: Infinity, gapMs: 250 }]);
  });

  it('marks out of order on the side that was, and a step only one side took', () => {
    expect(stepMarks({ builtin: step({ durationMs: 5 }), lab: step({ durationMs: 5, state: 'out-of-order', note: 'web-a before "x"' }) })).toEqual([{ kind: 'out-of-order', side: 'lab', note: 'web-a before "x"' }]);
    expect(stepMarks({ lab: step({}) })).toEqual([{ kind: 'only', side: 'lab' }]);
    expect(stepMarks({ builtin: step({ state: 'missing' }), lab: step({ state: 'missing' }) })).toEqual([]);
  });
});

describe('sharedTitle: one step column for both sides', () => {
  it('names the acting controller or scheduler by its role, not by the built-in side’s name', () => {
    expect(sharedTitle("kube-controller-manager's Deployment controller sees the Deployment and creates ReplicaSet web-6b56bb8b59", "The lab's Deployment controller sees the Deployment and creates ReplicaSet web-6d96d4cf5c"))
      .toBe('The Deployment controller sees the Deployment and creates ReplicaSet web-<hash>');
    expect(sharedTitle('default-scheduler picks a node for each pod and binds it (lab-worker ×2, lab-worker2)', 'lab-scheduler picks a node for each pod and binds it (lab-worker2, lab-worker ×2)'))
      .toBe('The scheduler picks a node for each pod and binds it (lab-worker ×2, lab-worker2)');
    expect(sharedTitle("kube-controller-manager's ReplicaSet controller deletes 4 pods web-6b56bb8b59-*", "The lab's ReplicaSet controller deletes 4 pods web-6d96d4cf5c-*")).toBe('The ReplicaSet controller deletes 4 pods web-<hash>-*');
  });

  it('shows what still differs for each side, and keeps a title both sides share as it is', () => {
    expect(sharedTitle("kube-controller-manager's Deployment controller scales ReplicaSet web-6b56bb8b59 down", "The lab's Deployment controller scales ReplicaSet web-6d96d4cf5c 5→1"))
      .toBe('The Deployment controller scales ReplicaSet web-<hash> [built-in: down | lab: 5→1]');
    expect(sharedTitle("kube-controller-manager's Deployment controller scales ReplicaSet web-c768c679f", "The lab's Deployment controller scales ReplicaSet web-5b648c5d76 1→3"))
      .toBe('The Deployment controller scales ReplicaSet web-<hash> [built-in: – | lab: 1→3]');
    expect(sharedTitle('The kubelet has containerd stop their containers (lab-worker ×3, lab-worker2)', 'The kubelet has containerd stop their containers (lab-worker ×4)'))
      .toBe('The kubelet has containerd stop their containers [built-in: (lab-worker ×3, lab-worker2) | lab: (lab-worker ×4)]');
    expect(sharedTitle('The API server removes the pods from etcd', 'The API server removes the pods from etcd')).toBe('The API server removes the pods from etcd');
    expect(sharedTitle(undefined, "The lab's Deployment controller scales ReplicaSet web-6d96d4cf5c 5→1")).toBe("The lab's Deployment controller scales ReplicaSet web-6d96d4cf5c 5→1");
  });

  it('is what the text table shows in its step column', () => {
    const text = storyDiffText(diffStories(storyOf(createTrace('builtin')), storyOf(createTrace('lab')))).join('\n');
    expect(text).toContain('The Deployment controller sees the Deployment and creates ReplicaSet web-77df657bb8');
    expect(text).not.toContain("kube-controller-manager's Deployment controller sees");
  });
});
