import { describe, expect, it } from 'vitest';
import { storyToMermaid, storyToText } from '../../../lab/trace/export/story-views.js';
import { storyHtml } from '../../../lab/trace/export/html-story.js';
import { formatStoryLine } from '../../../lab/trace/live-story.js';
import type { TraceEntry } from '../../../lab/trace/schema.js';
import { buildStory } from '../../../lab/trace/story.js';
import { SIMULATED_BY_DESIGN } from '../../../lab/trace/story/pod-chain.js';
import { createTrace } from './story-traces.js';

/**
 * The recorded-shape create trace, its pods bound to simulated nodes instead: kwok writes their
 * status (the kubelet tap sees those writes), and there is no sandbox, container or kubelet event.
 */
function onSimulatedNodes(entries: TraceEntry[], nodes: Record<string, string>): TraceEntry[] {
  let text = JSON.stringify(entries);
  for (const [real, simulated] of Object.entries(nodes)) text = text.replaceAll(`"${real}"`, `"${simulated}"`).replaceAll(`@${real}"`, `@${simulated}"`);
  return (JSON.parse(text) as TraceEntry[]).filter((e) => {
    const onSimulated = Object.values(nodes).some((n) => e.actor.endsWith(`@${n}`));
    return !(onSimulated && (e.tap === 'containerd' || (e.tap === 'kubelet' && e.verb !== 'status')));
  });
}

const allSimulated = { 'lab-worker': 'kwok-node-0001', 'lab-worker2': 'kwok-node-0002' };

describe('pods on simulated nodes in the story', () => {
  const [chapter] = buildStory(onSimulatedNodes(createTrace('lab'), allSimulated)).chapters;

  it('the sandbox and container steps are simulated (not missing), with the reason; Running and Ready are kwok\'s', () => {
    expect(chapter!.steps.map((s) => s.state)).toEqual(['done', 'done', 'done', 'done', 'done', 'done', 'done', 'simulated', 'simulated', 'done', 'done']);
    for (const s of chapter!.steps.slice(7, 9)) {
      expect(s.note).toBe(SIMULATED_BY_DESIGN);
      expect(s.entryIds).toEqual([]);
    }
    expect(chapter!.steps[6]!.title).toMatch(/kwok-node-000[12]/);
    expect(chapter!.steps[9]!.title).toBe('kwok (for the simulated nodes) reports the pods Running');
    expect(chapter!.steps[10]!.title).toBe('kwok (for the simulated nodes) reports the pods Ready');
  });

  it('text, Mermaid, HTML and the live view say so instead of "missing"', () => {
    const story = { chapters: [chapter!] };
    const text = storyToText(story);
    expect(text).toContain(`8. The kubelet on each pod's node has containerd start the pod's sandbox · ${SIMULATED_BY_DESIGN}`);
    expect(text).not.toContain('missing');
    const mermaid = storyToMermaid(story);
    expect(mermaid).toContain('simulated node: no kubelet or containerd entries, by design');
    expect(mermaid).not.toContain('missing');
    const html = storyHtml(story, []);
    expect(html).toContain('class="step simulated"');
    expect(html).toContain('No entry for this step, by design');
    expect(formatStoryLine(chapter!.steps[7]!)).toContain('by design');
  });

  it('pods on real nodes with no kubelet or containerd entry are still missing', () => {
    const [real] = buildStory(createTrace('lab').filter((e) => e.tap !== 'containerd' && e.tap !== 'kubelet')).chapters;
    expect(real!.steps.slice(7).map((s) => s.state)).toEqual(['missing', 'missing', 'missing', 'missing']);
  });

  it('pods split between a real and a simulated node keep the real node\'s entries, and are not marked simulated', () => {
    const [mixed] = buildStory(onSimulatedNodes(createTrace('lab'), { 'lab-worker2': 'kwok-node-0001' })).chapters;
    expect(mixed!.steps.map((s) => s.state)).toEqual(Array(11).fill('done'));
    expect(mixed!.steps[9]!.title).toBe('The kubelet reports the pods Running');
  });

  it('a node merely named like kwok\'s but with a longer name is not simulated', () => {
    const [other] = buildStory(onSimulatedNodes(createTrace('lab'), { 'lab-worker': 'kwok-node-0001-x', 'lab-worker2': 'kwok-node-0002-x' })).chapters;
    expect(other!.steps.slice(7, 9).map((s) => s.state)).toEqual(['missing', 'missing']);
  });
});
