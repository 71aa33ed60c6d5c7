import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonlFile } from '../../../lab/trace/export/jsonl.js';
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
