import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../../support/temp-dir.js';
import type { Action } from '../../../lab/exercises/action-schema.js';
import { kubectlArgsFor, containerToKill } from '../../../lab/exercises/action-args.js';
import { StaticCatalog } from '../../../lab/exercises/catalog.js';
import { runExerciseEndToEnd } from '../../../lab/exercises/e2e.js';
import { ExerciseEngine } from '../../../lab/exercises/engine.js';
import type { ActionOutcome, ActionRunner, ClusterPort, TraceSource } from '../../../lab/exercises/ports.js';
import { FileProgressStore, MemoryProgressStore, progressPath } from '../../../lab/exercises/progress.js';
import { parseExercise } from '../../../lab/exercises/schema.js';
import { emptyObjects, type KubeObject } from '../../../lab/exercises/snapshot.js';
import { entriesFromJsonl } from '../../../lab/exercises/trace-source.js';
import type { TraceEntry } from '../../../lab/trace/schema.js';
import { entry, pod } from './fixtures.js';

const EXERCISE = parseExercise(
  `
id: scale-up
title: Scale up
goal: Have 2 pods, created by the ReplicaSet controller.
background: {flowSteps: [5], components: [replicaset-controller], text: t}
prerequisites: {builtinControllers: 'off', labControllers: true, scheduler: lab-scheduler}
steps: [{text: scale it, run: 'kubectl scale -n {{namespace}} deploy/web --replicas=2', action: {type: scale, name: web, replicas: 2}}]
checks:
  - {kind: podsRunning, selector: app=web, equals: 2}
  - {kind: traceCount, match: {tap: audit, actor: replicaset-controller, verb: create, objectKind: Pod}, equals: 2}
hints: [first, second]
solution:
  - {type: scale, name: web, replicas: 2}
  - {type: wait, target: deployment/web, for: condition=Available}
cleanup:
  - {type: uncordon, node: lab-worker}
`,
  'exercises/01-scale-up.yaml',
);

/** A cluster whose state follows the actions it is given: a scale creates pods and trace entries. */
class FakeWorld implements ClusterPort, TraceSource, ActionRunner {
  namespaces = new Set<string>();
  pods: KubeObject[] = [];
  trace: TraceEntry[] = [];
  ran: string[] = [];
  failOn: Action['type'] | undefined;
  now = new Date('2025-01-01T00:00:00Z');

  async ensureNamespace(ns: string) {
    this.namespaces.add(ns);
  }
  async deleteNamespace(ns: string) {
    this.namespaces.delete(ns);
    this.pods = [];
  }
  async objects() {
    return { ...emptyObjects(), Pod: this.pods.map((p) => ({ ...p, metadata: { ...p.metadata, namespace: 'ex-scale-up' } })) };
  }
  async builtinControllersEnabled() {
    return false;
  }
  async entriesSince(since: Date) {
    return this.trace.filter((e) => Date.parse(e.wallTime) >= since.getTime());
  }
  async run(action: Action, namespace: string): Promise<ActionOutcome> {
    this.ran.push(`${action.type}@${namespace}`);
    if (action.type === this.failOn) return { command: action.type, ok: false, output: 'boom' };
    if (action.type === 'scale') {
      for (let i = this.pods.length; i < action.replicas; i++) {
        this.pods.push(pod(`web-${i}`));
        const e = entry({ tap: 'audit', actor: 'replicaset-controller', verb: 'create', name: `web-${i}`, tMs: i });
        this.trace.push({ ...e, object: { ...e.object, namespace }, wallTime: new Date(this.now.getTime() + 1000).toISOString() });
      }
    }
    return { command: action.type, ok: true, output: '' };
  }
}

/** A second exercise without cleanup actions. */
const OTHER = parseExercise(
  `
id: other
title: Other
goal: g
background: {flowSteps: [5], components: [replicaset-controller], text: t}
prerequisites: {builtinControllers: 'off', labControllers: true, scheduler: lab-scheduler}
steps: [{text: look}]
checks:
  - {kind: podsRunning, selector: app=web, equals: 2}
hints: [h]
solution:
  - {type: scale, name: web, replicas: 2}
`,
  'exercises/02-other.yaml',
);

function engineWith(world: FakeWorld, progress = new MemoryProgressStore()) {
  return new ExerciseEngine({ catalog: new StaticCatalog([EXERCISE, OTHER]), cluster: world, trace: world, actions: world, progress, now: () => world.now });
}

describe('ExerciseEngine', () => {
  it('start → check fails → solution applied → check passes → completed', async () => {
    const world = new FakeWorld();
    const engine = engineWith(world);
    const started = await engine.start('scale-up');
    expect(started.namespace).toBe('ex-scale-up');
    expect(world.namespaces.has('ex-scale-up')).toBe(true);
    expect(started.prerequisites.find((p) => p.name === 'builtinControllers')?.met).toBe(true);

    const before = await engine.check();
    expect(before.pass).toBe(false);
    expect(before.results.map((r) => r.pass)).toEqual([false, false]);
    expect(before.results[1]!.usesTrace).toBe(true);
    expect(before.results[0]!.saw).toBe('0 running and ready; others: none');

    const solution = await engine.solution(undefined, true);
    expect(world.ran).toEqual(['scale@ex-scale-up', 'wait@ex-scale-up']);
    expect(solution.actions[0]).toBe('kubectl scale -n ex-scale-up deployment/web --replicas=2');
    expect(solution.applied?.every((a) => a.ok)).toBe(true);

    const after = await engine.check('scale-up');
    expect(after.pass).toBe(true);
    expect(after.completedAt).toBe('2025-01-01T00:00:00.000Z');
    expect((await engine.list())[0]).toMatchObject({ id: 'scale-up', status: 'completed', current: true });
  });

  it('ignores trace entries from before the exercise started', async () => {
    const world = new FakeWorld();
    await world.run({ type: 'scale', resource: 'deployment', name: 'web', replicas: 2 }, 'ex-scale-up'); // an earlier attempt
    world.now = new Date('2025-01-01T01:00:00Z');
    const engine = engineWith(world);
    await engine.start('scale-up');
    const report = await engine.check();
    expect(report.results[0]!.pass).toBe(true); // the pods are there...
    expect(report.results[1]!.pass).toBe(false); // ...but nobody created them during this attempt
  });

  it('stops the solution at the first failing action', async () => {
    const world = new FakeWorld();
    world.failOn = 'scale';
    const engine = engineWith(world);
    await engine.start('scale-up');
    const result = await engine.solution('scale-up', true);
    expect(result.applied).toHaveLength(1);
    expect(world.ran).toEqual(['scale@ex-scale-up']);
  });

  it('gives hints in order and stops at the last', async () => {
    const engine = engineWith(new FakeWorld());
    await engine.start('scale-up');
    expect((await engine.hint()).hints).toEqual(['first']);
    expect((await engine.hint()).hints).toEqual(['first', 'second']);
    expect((await engine.hint()).hints).toEqual(['first', 'second']);
  });

  it('runs a step action with the namespace filled in', async () => {
    const world = new FakeWorld();
    const engine = engineWith(world);
    await engine.start('scale-up');
    expect((await engine.runStep(undefined, 1)).outcome.ok).toBe(true);
    await expect(engine.runStep(undefined, 2)).rejects.toThrow(/has steps 1 to 1, not 2/);
  });

  it('reset runs cleanup, deletes the namespace and forgets progress', async () => {
    const world = new FakeWorld();
    const engine = engineWith(world);
    await engine.start('scale-up');
    const reset = await engine.reset();
    expect(reset.cleanup.map((c) => c.command)).toEqual(['uncordon']);
    expect(world.namespaces.size).toBe(0);
    expect((await engine.list())[0]).toMatchObject({ status: 'not started', current: false });
    await expect(engine.check('scale-up')).rejects.toThrow(/is not started/);
  });

  it('starting another exercise undoes the current one\'s cluster-wide changes and keeps its namespace', async () => {
    const world = new FakeWorld();
    const engine = engineWith(world);
    await engine.start('scale-up');
    const next = await engine.start('other');
    expect(next.previousCleanup).toEqual({ id: 'scale-up', cleanup: [{ command: 'uncordon', ok: true, output: '' }] });
    expect(world.ran).toEqual(['uncordon@ex-scale-up']);
    expect([...world.namespaces].sort()).toEqual(['ex-other', 'ex-scale-up']);
  });

  it('restarting the same exercise, or leaving one without cleanup, runs no cleanup', async () => {
    const world = new FakeWorld();
    const engine = engineWith(world);
    await engine.start('scale-up');
    expect((await engine.start('scale-up')).previousCleanup).toBeUndefined();
    await engine.start('other'); // runs scale-up's cleanup once
    expect((await engine.start('scale-up')).previousCleanup).toBeUndefined(); // other has none
    expect(world.ran).toEqual(['uncordon@ex-scale-up']);
  });

  it('rejects unknown ids with exit code 2 and a list of ids', async () => {
    const engine = engineWith(new FakeWorld());
    await expect(engine.start('nope')).rejects.toMatchObject({ exitCode: 2, message: 'unknown exercise "nope"' });
    await expect(engine.check()).rejects.toMatchObject({ exitCode: 2, message: 'no exercise started' });
    expect((await engine.start('1')).exercise.id).toBe('scale-up');
  });
});

describe('runExerciseEndToEnd', () => {
  it('reports initial failure, the solution and the final pass', async () => {
    const world = new FakeWorld();
    const result = await runExerciseEndToEnd('scale-up', { engine: engineWith(world), sleep: async () => undefined });
    expect(result).toMatchObject({ id: 'scale-up', ok: true, initiallyFailing: true, attempts: 1 });
    expect(result.solution.map((s) => s.ok)).toEqual([true, true]);
  });

  it('leaves the cluster as it found it: cleanup ran and the namespace is gone, pass or fail', async () => {
    for (const failOn of [undefined, 'scale'] as const) {
      const world = new FakeWorld();
      world.failOn = failOn;
      const result = await runExerciseEndToEnd('scale-up', { engine: engineWith(world), sleep: async () => undefined });
      expect(result.ok).toBe(failOn === undefined);
      expect(world.ran.at(-1)).toBe('uncordon@ex-scale-up');
      expect(world.namespaces.size).toBe(0);
    }
  });

  it('fails when the solution does not make the checks pass in time', async () => {
    const world = new FakeWorld();
    world.run = async (action) => ({ command: action.type, ok: true, output: '' }); // a solution with no effect
    let t = 0;
    const result = await runExerciseEndToEnd('scale-up', { engine: engineWith(world), timeoutMs: 10, pollMs: 5, clock: () => (t += 4), sleep: async () => undefined });
    expect(result.ok).toBe(false);
    expect(result.failure).toMatch(/^checks still failing after \d+ attempt\(s\): #1 /);
  });
});

describe('FileProgressStore', () => {
  const tempDir = useTempDir('lab-progress-');

  it('round-trips progress and starts empty', async () => {
    const dir = tempDir();
    const store = new FileProgressStore(progressPath(dir));
    expect(await store.load()).toEqual({ version: 1, exercises: {} });
    const progress = {
      version: 1 as const,
      current: 'a',
      exercises: { a: { startedAt: 's', hintsShown: 1, solutionViewed: false, lastCheck: { at: 't', pass: false, results: [{ title: 'x', kind: 'podsRunning', pass: false, saw: 'y', expected: 'z' }] } } },
    };
    await store.save(progress);
    expect(await store.load()).toEqual(progress);
    expect(store.path).toBe(join(dir, 'exercises', 'progress.json'));
  });

  it('names the file and the fix when it is corrupt', async () => {
    const store = new FileProgressStore(join(tempDir(), 'p.json'));
    await store.save({ version: 1, exercises: {} });
    const { writeFile } = await import('node:fs/promises');
    await writeFile(store.path, '{"version": 2, "exercises": {}}');
    await expect(store.load()).rejects.toMatchObject({ message: expect.stringMatching(/p\.json: version:/), fix: expect.stringContaining('rm ') });
    expect(await readFile(store.path, 'utf8')).toContain('"version": 2');
  });
});

describe('action helpers', () => {
  it.each<[Action, string[]]>([
    [{ type: 'scale', resource: 'deployment', name: 'web', replicas: 3 }, ['scale', '--namespace', 'ns', 'deployment/web', '--replicas=3']],
    [{ type: 'kubectl', args: ['rollout', 'undo', 'deployment/web'] }, ['rollout', 'undo', 'deployment/web', '--namespace', 'ns']],
    [{ type: 'kubectl', args: ['get', 'pods', '-A'] }, ['get', 'pods', '-A']],
    [{ type: 'delete', resource: 'pods', selector: 'app=web', wait: false }, ['delete', '--namespace', 'ns', 'pods', '-l', 'app=web', '--wait=false']],
    [{ type: 'taint', node: 'n1', key: 'k', value: 'v', effect: 'NoSchedule' }, ['taint', 'nodes', 'n1', 'k=v:NoSchedule', '--overwrite']],
    [{ type: 'untaint', node: 'n1', key: 'k', effect: 'NoSchedule' }, ['taint', 'nodes', 'n1', 'k:NoSchedule-']],
    [{ type: 'labelNode', node: 'n1', labels: { zone: 'a', old: null } }, ['label', 'nodes', 'n1', 'zone=a', 'old-', '--overwrite']],
    [{ type: 'wait', target: 'pods', selector: 'app=web', for: 'condition=Ready', timeoutSeconds: 60 }, ['wait', '--namespace', 'ns', 'pods', '-l', 'app=web', '--for=condition=Ready', '--timeout=60s']],
  ])('%j', (action, args) => {
    expect(kubectlArgsFor(action as Parameters<typeof kubectlArgsFor>[0], 'ns')).toEqual(args);
  });

  it('picks the first running container to kill, or says why none', () => {
    const running = (name: string, id: string) => ({
      ...pod(name, { node: 'lab-worker' }),
      status: { phase: 'Running', containerStatuses: [{ name: 'web', containerID: `containerd://${id}`, state: { running: {} } }] },
    });
    expect(containerToKill([running('web-b', 'bbb'), running('web-a', 'aaa')], 'web')).toEqual({ pod: 'web-a', node: 'lab-worker', containerId: 'aaa' });
    expect(containerToKill([pod('web-a', { phase: 'Pending' })], 'web')).toEqual({ problem: 'no running pod with a running container "web" (1 pod(s) matched the selector)' });
  });
});

describe('entriesFromJsonl', () => {
  it('keeps complete lines since the start time', () => {
    const early = entry({ tap: 'etcd', actor: 'etcd', verb: 'PUT', tMs: 0 });
    const late = entry({ tap: 'etcd', actor: 'etcd', verb: 'PUT', tMs: 5000 });
    const text = `${JSON.stringify(early)}\n${JSON.stringify(late)}\n{"schemaVer`;
    expect(entriesFromJsonl(text, new Date(Date.parse(early.wallTime) + 1000)).map((e) => e.id)).toEqual([late.id]);
  });
});
