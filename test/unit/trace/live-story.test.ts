import { describe, expect, it } from 'vitest';
import { formatStoryLine, startStoryView, stepsDue } from '../../../lab/trace/live-story.js';
import type { TraceInput } from '../../../lab/trace/schema.js';
import { buildStory } from '../../../lab/trace/story.js';
import { Timeline } from '../../../lab/trace/timeline.js';
import { createTrace } from './story-traces.js';

describe('stepsDue', () => {
  const entries = createTrace('lab');

  it('prints the steps in order, each once its entries have been quiet for a while', () => {
    const printed = new Set<string>();
    // At 350 ms the pods are being created: only the steps whose last entry is 100 ms old are due.
    const early = stepsDue(buildStory(entries.filter((e) => e.tMs <= 300)), printed, 350, 100);
    expect(early.map((d) => d.step.number)).toEqual([1, 2, 3, 4]);
    expect(early[0]!.opensChapter).toBe(true);
    expect(early[1]!.opensChapter).toBe(false);
    const later = stepsDue(buildStory(entries), printed, 5000, 100);
    expect(later.map((d) => d.step.number)).toEqual([5, 6, 7, 8, 9, 10, 11]);
    expect(later[0]!.opensChapter).toBe(false);
    expect(stepsDue(buildStory(entries), printed, 6000, 100)).toEqual([]);
  });

  it('waits for a step still growing, and prints a skipped step as missing once a later one is done', () => {
    const noSandbox = entries.filter((e) => !(e.tap === 'containerd' && e.details.containerKind === 'sandbox'));
    const story = buildStory(noSandbox);
    const printed = new Set<string>();
    const lastEnd = Math.max(...story.chapters[0]!.steps.map((s) => s.endMs ?? 0));
    expect(stepsDue(story, printed, lastEnd, 1000).map((d) => d.step.number)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const rest = stepsDue(story, printed, lastEnd + 1000, 1000);
    expect(rest.map((d) => [d.step.number, d.step.state])).toEqual([[8, 'missing'], [9, 'done'], [10, 'done'], [11, 'done']]);
  });

  it('at the end prints what is left, missing or not', () => {
    const story = buildStory(entries.filter((e) => e.tap !== 'kubelet'));
    const printed = new Set<string>();
    stepsDue(story, printed, 0, 1000);
    expect(stepsDue(story, printed, 0, 1000, true).map((d) => d.step.state)).toEqual([...Array(9).fill('done'), 'missing', 'missing']);
  });
});

describe('formatStoryLine', () => {
  it('numbers the step and gives its duration, or says it is missing', () => {
    const [chapter] = buildStory(createTrace('builtin').filter((e) => e.tap !== 'containerd')).chapters;
    expect(formatStoryLine(chapter!.steps[0]!)).toBe('  1. kubectl asks the API server to create Deployment web · 6 ms');
    expect(formatStoryLine(chapter!.steps[7]!)).toMatch(/^ {2}8\. The kubelet on each pod's node has containerd start the pod's sandbox · missing$/);
  });
});

describe('startStoryView', () => {
  it('prints the chapter heading and the steps that completed, then the rest when stopped', () => {
    let now = 0;
    const timeline = new Timeline({ startMs: 0, now: () => now });
    const out: string[] = [];
    const stop = startStoryView(timeline, { write: (l) => out.push(l), colour: false, now: () => now, intervalMs: 60_000, quietMs: 100 });
    const request: TraceInput = { tap: 'audit', actor: 'kubectl', verb: 'create', object: { kind: 'Deployment', namespace: 'demo', name: 'web' }, details: { code: 201 }, at: new Date(10) };
    timeline.append(request);
    timeline.append({ tap: 'etcd', actor: 'etcd', verb: 'PUT', object: { kind: 'Pod', namespace: 'other', name: 'x' }, details: {}, at: new Date(11) });
    now = 500;
    stop();
    expect(out[0]).toBe('kubectl create Deployment demo/web (create)');
    expect(out[1]).toBe('  1. kubectl asks the API server to create Deployment web · 0 ms');
    expect(out[2]).toBe('  2. The API server stores Deployment web in etcd · missing');
    expect(out).toHaveLength(12);
  });
});
