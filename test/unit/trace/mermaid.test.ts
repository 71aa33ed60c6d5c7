import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import { mermaidText, namePattern, toMermaid } from '../../../lab/trace/export/mermaid.js';
import { rolloutTimeline } from './scenario.js';

describe('toMermaid on a 3-replica rollout', () => {
  const { timeline } = rolloutTimeline();
  const text = toMermaid(timeline.entries());

  it('declares the participants in the lab order', () => {
    const participants = text.split('\n').filter((l) => l.trim().startsWith('participant')).map((l) => l.trim().split(' as ')[1]);
    expect(participants).toEqual(['kubectl', 'api-server', 'etcd', 'deployment-controller', 'replicaset-controller', 'scheduler', 'kubelet@kind-worker', 'kubelet@kind-worker2', 'containerd@kind-worker', 'containerd@kind-worker2']);
  });

  it('folds the per-pod steps into ×N arrows named by a pattern', () => {
    expect(text).toContain('replicaset_controller->>api_server: create Pod web-7d9f-* ×3');
    expect(text).toContain('api_server-->>scheduler: watch ADDED Pod web-7d9f-* ×3');
    // bindings differ by node, so they fold per node
    expect(text).toMatch(/scheduler->>api_server: bind Pod web-7d9f-\* → kind-worker ×2/);
    expect(text).toMatch(/scheduler->>api_server: bind Pod web-7d9f-bbbbb → kind-worker2 \+\d+ms/);
    expect(text.split('\n').filter((l) => l.includes('create Pod')).length).toBe(1);
  });

  it('shows decisions as notes and timings as +ms from the first step', () => {
    expect(text).toContain('Note right of deployment_controller: create Deployment web: no ReplicaSet matches the template +12ms');
    expect(text).toContain('kubectl->>api_server: create Deployment web +0ms');
  });

  it('is deterministic', () => {
    expect(toMermaid([...timeline.entries()].reverse())).toBe(text);
  });

  it("parses with Mermaid's own parser", async () => {
    await expect(mermaid.parse(text)).resolves.toMatchObject({ diagramType: 'sequence' });
  });

  it('mermaid.parse does reject broken text (the check above can fail)', async () => {
    await expect(mermaid.parse('sequenceDiagram\n  a->>b hello\n')).rejects.toThrow();
  });

  it('keeps labels with ; # and newlines parseable', async () => {
    const tricky = `sequenceDiagram\n    participant a\n    participant b\n    a->>b: ${mermaidText('exit 1; #bad\nline <b>end</b> %% c')}\n`;
    await expect(mermaid.parse(tricky)).resolves.toBeTruthy();
  });
});

describe('namePattern', () => {
  it.each([
    [['web-1'], 'web-1'],
    [['web-7d9f-aaaaa', 'web-7d9f-bbbbb'], 'web-7d9f-*'],
    [['a', 'b'], '*'],
  ])('%j → %s', (names, pattern) => expect(namePattern(names)).toBe(pattern));
});
