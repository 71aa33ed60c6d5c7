import { describe, expect, it } from 'vitest';
import { ExitCode, LabError } from '../../../lab/base/errors.js';
import { planControllers } from '../../../lab/conformance/controllers.js';
import type { LabProcessRecord } from '../../../lab/run/presence.js';

const proc = (components: string[], pid = 4242, schedulerName?: string): LabProcessRecord => ({
  identity: `lab-${pid}`, pid, host: 'box', startedAt: '2026-12-02T20:00:00Z', components, command: 'lab run', leaseName: `p-${pid}`, alive: true,
  ...(schedulerName ? { schedulerName } : {}),
});

const refusal = (fn: () => unknown): LabError => {
  try {
    fn();
  } catch (err) {
    return err as LabError;
  }
  throw new Error('expected a refusal');
};

describe('planControllers: apps', () => {
  it('against the lab with nothing running: start the lab', () => {
    expect(planControllers('apps', 'lab', []).kind).toBe('start-lab');
  });
  it('against the lab with a lab running both controllers: use it', () => {
    const plan = planControllers('apps', 'lab', [proc(['scheduler'], 1), proc(['deployment', 'replicaset', 'scheduler'])]);
    expect(plan.kind).toBe('use-running');
    expect(plan.kind === 'use-running' && plan.process.pid).toBe(4242);
    expect(plan.describe).toContain('pid 4242');
  });
  it('against the lab with another lab running only one controller: refuse with exit code 2 (ours would stand by for it)', () => {
    for (const components of [['deployment'], ['replicaset', 'scheduler']]) {
      const err = refusal(() => planControllers('apps', 'lab', [proc(components)]));
      expect(err.exitCode).toBe(ExitCode.BadInput);
      expect(err.message).toMatch(/stand by/);
      expect(err.fix).toMatch(/--only deployment,replicaset/);
    }
  });
  it('the reference run refuses while a lab controller runs, and ignores a lab scheduler', () => {
    const err = refusal(() => planControllers('apps', 'builtin', [proc(['replicaset'])]));
    expect(err.exitCode).toBe(ExitCode.BadInput);
    expect(err.message).toMatch(/built-in controllers alone/);
    expect(planControllers('apps', 'builtin', []).kind).toBe('builtin');
    expect(planControllers('apps', 'builtin', [proc(['scheduler'])]).kind).toBe('builtin');
  });
});

describe('planControllers: apps beside a lab scheduler', () => {
  it('starts ours beside a lab running only a scheduler (it holds none of our leases)', () => {
    expect(planControllers('apps', 'lab', [proc(['scheduler'])]).kind).toBe('start-lab');
  });
});

describe('planControllers: scheduling', () => {
  it('against the lab: this process serves default-scheduler, so no other lab may serve it (a record without the name counts as one)', () => {
    expect(planControllers('scheduling', 'lab', []).kind).toBe('start-lab-scheduler');
    for (const other of [proc(['deployment', 'replicaset', 'scheduler'], 4242, 'default-scheduler'), proc(['scheduler'])]) {
      const err = refusal(() => planControllers('scheduling', 'lab', [other]));
      expect(err.exitCode).toBe(ExitCode.BadInput);
      expect(err.message).toMatch(/a scheduler serving default-scheduler: pid 4242/);
      expect(err.fix).toMatch(/stop it first .*kill 4242/);
    }
  });
  it('against the lab: beside labs whose schedulers serve other names, and beside lab controllers', () => {
    const others = [proc(['deployment', 'replicaset', 'scheduler'], 1, 'lab-scheduler'), proc(['scheduler'], 2, 'lab-binpack'), proc(['deployment', 'replicaset'], 3)];
    expect(planControllers('scheduling', 'lab', others).kind).toBe('start-lab-scheduler');
  });
  it('against the built-ins: kube-scheduler, whatever lab runs beside it', () => {
    const plan = planControllers('scheduling', 'builtin', [proc(['deployment', 'replicaset', 'scheduler'])]);
    expect(plan).toEqual({ kind: 'builtin', describe: 'kube-scheduler as default-scheduler' });
  });
});
