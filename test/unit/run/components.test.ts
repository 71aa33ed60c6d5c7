import { describe, expect, it } from 'vitest';
import { BadInputError, ExitCode } from '../../../lab/base/errors.js';
import { IDENTITIES, parseOnly } from '../../../lab/run/components.js';

describe('parseOnly (--only)', () => {
  it.each([
    [undefined, ['deployment', 'replicaset', 'scheduler']],
    ['scheduler', ['scheduler']],
    ['replicaset,deployment', ['deployment', 'replicaset']],
    [' deployment , scheduler ', ['deployment', 'scheduler']],
    ['Scheduler,scheduler', ['scheduler']],
    ['deployment,,replicaset', ['deployment', 'replicaset']],
  ])('%j → %j', (value, expected) => {
    expect(parseOnly(value)).toEqual(expected);
  });

  it.each([
    ['deploy', /unknown component "deploy"/],
    ['scheduler,rs,kubelet', /unknown components "rs", "kubelet"/],
    ['', /at least one component/],
    [' , ', /at least one component/],
  ])('%j is bad input (exit 2) with a fix', (value, message) => {
    try {
      parseOnly(value);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(BadInputError);
      expect((err as BadInputError).exitCode).toBe(ExitCode.BadInput);
      expect((err as BadInputError).message).toMatch(message);
      expect((err as BadInputError).fix).toMatch(/deployment, replicaset, scheduler/);
    }
  });

  it('each component has its own identity and user agent', () => {
    expect(IDENTITIES.deployment.userAgent).toBe('k8s-flow-lab/deployment-controller');
    expect(IDENTITIES.replicaset.userAgent).toBe('k8s-flow-lab/replicaset-controller');
    expect(IDENTITIES.scheduler.userAgent).toBe('k8s-flow-lab/scheduler');
    expect(new Set(Object.values(IDENTITIES).map((i) => i.serviceAccount)).size).toBe(3);
  });
});
