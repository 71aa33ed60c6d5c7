import { describe, expect, it } from 'vitest';
import { LabError } from '../../../lab/base/errors.js';
import type { Component } from '../../../lab/run/components.js';
import { builtinConflicts, checkBuiltinControllers, checkSchedulerName } from '../../../lab/run/preflight.js';

const on = { deploymentController: true, replicasetController: true };
const off = { deploymentController: false, replicasetController: false };

describe('builtinConflicts', () => {
  it.each<[Component[], typeof on, string[]]>([
    [['deployment', 'replicaset', 'scheduler'], on, ['deployment', 'replicaset']],
    [['scheduler'], on, []],
    [['replicaset'], { deploymentController: true, replicasetController: false }, []],
    [['deployment', 'replicaset'], { deploymentController: false, replicasetController: true }, ['replicaset']],
    [['deployment', 'replicaset', 'scheduler'], off, []],
  ])('%j with %j → %j', (only, state, expected) => {
    expect(builtinConflicts(only, state)).toEqual(expected);
  });
});

describe('checkBuiltinControllers', () => {
  it('refuses with the reason and the command that fixes it', () => {
    try {
      checkBuiltinControllers(['deployment'], on, false);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(LabError);
      expect((err as LabError).message).toMatch(/built-in deployment controller .* is still on/);
      expect((err as LabError).fix).toMatch(/npx lab controllers builtin off/);
      expect((err as LabError).exitCode).toBe(1);
    }
  });

  it('only warns with --force, and is silent when nothing conflicts', () => {
    expect(checkBuiltinControllers(['deployment', 'replicaset'], on, true)).toMatch(/^warning: .*deployment controller and replicaset controller.*--force/);
    expect(checkBuiltinControllers(['deployment', 'replicaset'], off, false)).toBeUndefined();
    expect(checkBuiltinControllers(['scheduler'], on, false)).toBeUndefined();
  });
});

describe('checkSchedulerName', () => {
  it('refuses to race kube-scheduler for default-scheduler unless forced', () => {
    expect(() => checkSchedulerName('default-scheduler', false)).toThrow(/default-scheduler/);
    expect(checkSchedulerName('default-scheduler', true)).toMatch(/warning/);
    expect(checkSchedulerName('lab-scheduler', false)).toBeUndefined();
  });
});
