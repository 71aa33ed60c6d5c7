import { describe, expect, it } from 'vitest';
import { ExitCode, LabError } from '../../../lab/base/errors.js';
import { planControllers } from '../../../lab/conformance/controllers.js';
import type { LabProcessRecord } from '../../../lab/run/presence.js';

const proc = (components: string[], pid = 4242): LabProcessRecord => ({
  identity: `lab-${pid}`, pid, host: 'box', startedAt: '2026-12-02T20:00:00Z', components, command: 'lab run', leaseName: `p-${pid}`, alive: true,
});

const refusal = (fn: () => unknown): LabError => {
  try {
    fn();
  } catch (err) {
    return err as LabError;
  }
  throw new Error('expected a refusal');
};

describe('planControllers', () => {
  it('against the lab with nothing running: start the lab', () => {
    expect(planControllers('lab', []).kind).toBe('start-lab');
  });
  it("against the lab with a lab running both controllers: use it", () => {
    const running = proc(['deployment', 'replicaset', 'scheduler']);
    const plan = planControllers('lab', [proc(['scheduler'], 1), running]);
    expect(plan.kind).toBe('use-running');
    expect(plan.kind === 'use-running' && plan.process.pid).toBe(4242);
    expect(plan.describe).toContain('pid 4242');
  });
  it('against the lab with one running only one of them: refuse with exit code 2', () => {
    const err = refusal(() => planControllers('lab', [proc(['deployment'])]));
    expect(err.exitCode).toBe(ExitCode.BadInput);
    expect(err.message).toMatch(/only some/);
    expect(err.fix).toMatch(/--only deployment,replicaset/);
  });
  it('a lab running only the scheduler does not matter', () => {
    expect(planControllers('lab', [proc(['scheduler'])]).kind).toBe('start-lab');
    expect(planControllers('builtin', [proc(['scheduler'])]).kind).toBe('builtin');
  });
  it('the reference run refuses while a lab controller runs', () => {
    const err = refusal(() => planControllers('builtin', [proc(['replicaset'])]));
    expect(err.exitCode).toBe(ExitCode.BadInput);
    expect(err.message).toMatch(/built-in controllers alone/);
    expect(planControllers('builtin', []).kind).toBe('builtin');
  });
});
