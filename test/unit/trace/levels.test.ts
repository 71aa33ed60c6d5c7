import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import { componentArrows, toComponentsMermaid } from '../../../lab/trace/components.js';
import { renderAtLevel } from '../../../lab/trace/export/levels.js';
import { toMermaid } from '../../../lab/trace/export/mermaid.js';
import { storyToMermaid } from '../../../lab/trace/export/story-views.js';
import { buildStory } from '../../../lab/trace/story.js';
import { createTrace, rollingUpdateTrace, scaleTrace } from './story-traces.js';

const lines = (text: string) => text.trimEnd().split('\n');

describe('the components level', () => {
  const entries = createTrace('lab');
  const arrows = componentArrows(entries);
  const labels = arrows.map((a) => `${a.from} → ${a.to}: ${a.label}`);

  it('has one arrow per hop and object kind, pods folded per ReplicaSet', () => {
    expect(labels).toContain('replicaset-controller → api-server: create Pod web-77df657bb8-*');
    expect(labels).toContain('api-server → etcd: PUT Pod web-77df657bb8-*');
    expect(labels).toContain('scheduler → api-server: bind Pod web-77df657bb8-*');
    expect(new Set(labels).size).toBe(labels.length);
    const creates = arrows.find((a) => a.label === 'create Pod web-77df657bb8-*')!;
    expect(creates.count).toBe(3);
    // every kubelet is one lane, every containerd too
    expect(arrows.some((a) => a.from.startsWith('kubelet@') || a.to.startsWith('containerd@'))).toBe(false);
  });

  it('leaves the housekeeping out: namespace ServiceAccount, Events, reads, failed requests', () => {
    const full = toMermaid(entries);
    expect(full).toMatch(/ServiceAccount/);
    expect(full).toMatch(/create Event/);
    expect(full).toMatch(/HTTP 404/);
    const text = labels.join('\n');
    expect(text).not.toMatch(/ServiceAccount|Event|get |404/);
  });

  it('collapses repeated etcd PUTs and status writes into one arrow each', () => {
    expect(arrows.filter((a) => a.from === 'api-server' && a.to === 'etcd' && a.label.includes('Pod'))).toHaveLength(1);
    const status = arrows.filter((a) => a.from === 'kubelet' && a.label.startsWith('status Pod'));
    expect(status).toHaveLength(1);
    expect(status[0]!.count).toBeGreaterThan(3);
  });

  it('keeps the ReplicaSets of a rolling update apart', () => {
    const rolling = componentArrows(rollingUpdateTrace('builtin')).map((a) => a.label);
    expect(rolling).toContain('create Pod web-77df657bb8-*');
    expect(rolling).toContain('create Pod web-5c8f9d6b4-*');
    expect(rolling).toContain('delete Pod web-77df657bb8-*');
  });

  it('is shorter than the full diagram and parses with Mermaid', async () => {
    const text = toComponentsMermaid(entries); // no title: Mermaid sanitises titles with DOMPurify, which needs a DOM
    expect(lines(text).length).toBeLessThan(lines(toMermaid(entries)).length / 2 + 5);
    await expect(mermaid.parse(text)).resolves.toMatchObject({ diagramType: 'sequence' });
  });
});

describe('the story diagram', () => {
  it('draws one numbered arrow per step, a note per chapter, and parses', async () => {
    const text = storyToMermaid(buildStory(scaleTrace('builtin', 3, 5)));
    const body = lines(text).filter((l) => /^\s+\S+->>/.test(l));
    expect(body).toHaveLength(11 + 10);
    expect(body[0]).toMatch(/kubectl->>api_server: 1\. kubectl asks the API server to create Deployment web · \d+ ms/);
    expect(lines(text).filter((l) => l.includes('Note over kubectl,containerd'))).toHaveLength(2);
    await expect(mermaid.parse(text)).resolves.toMatchObject({ diagramType: 'sequence' });
  });

  it('draws a missing step as a note, not an arrow', async () => {
    const text = storyToMermaid(buildStory(createTrace('lab').filter((e) => e.tap !== 'kubelet' && e.tap !== 'containerd')));
    expect(text).toContain('Note over kubelet: 8. missing: The kubelet on each pod');
    expect(text).not.toMatch(/kubelet->>containerd/);
    await expect(mermaid.parse(text)).resolves.toBeTruthy();
  });
});

describe('renderAtLevel', () => {
  const entries = createTrace('builtin');

  it('story: text, JSON Lines (one step a line) and JSON hold the same steps', () => {
    const text = renderAtLevel('text', 'story', entries);
    expect(lines(text)[0]).toBe('kubectl create Deployment demo/web (create)');
    expect(lines(text)).toHaveLength(12);
    const steps = lines(renderAtLevel('jsonl', 'story', entries)).map((l) => JSON.parse(l) as { number: number; scenario: string; state: string });
    expect(steps.map((s) => s.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(steps.every((s) => s.scenario === 'create' && s.state === 'done')).toBe(true);
    expect(JSON.parse(renderAtLevel('json', 'story', entries))).toEqual(buildStory(entries));
  });

  it('components: JSON Lines are the arrows; full: every entry', () => {
    expect(lines(renderAtLevel('jsonl', 'components', entries))).toHaveLength(componentArrows(entries).length);
    expect(lines(renderAtLevel('jsonl', 'full', entries))).toHaveLength(entries.length);
    expect(JSON.parse(renderAtLevel('json', 'full', entries))).toHaveLength(entries.length);
    expect(lines(renderAtLevel('text', 'full', entries))).toHaveLength(entries.length);
    expect(renderAtLevel('mermaid', 'full', entries)).toBe(toMermaid(entries));
  });

  it('story and components are far shorter than full', () => {
    const count = (level: 'story' | 'components' | 'full') => lines(renderAtLevel('mermaid', level, entries)).length;
    expect(count('story')).toBeLessThanOrEqual(25);
    expect(count('components')).toBeLessThan(count('full') / 2);
  });
});
