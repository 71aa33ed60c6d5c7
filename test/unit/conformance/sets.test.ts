import { describe, expect, it } from 'vitest';
import { ExitCode, LabError } from '../../../lab/base/errors.js';
import { checkFocus, DEFAULT_SKIP, escapeRegExp, focusOnExactly, narrow, parseSetArgument, SETS } from '../../../lab/conformance/sets.js';

const exitCodeOf = (fn: () => unknown): number | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof LabError ? err.exitCode : -1;
  }
  return undefined;
};

const DEPLOYMENT = '[sig-apps] Deployment deployment should support rollover [Conformance]';
const REPLICASET = '[sig-apps] ReplicaSet should serve a basic image on each replica with a public image [Conformance]';

describe('parseSetArgument', () => {
  it('defaults to apps and expands all', () => {
    expect(parseSetArgument(undefined)).toEqual(['apps']);
    expect(parseSetArgument('apps')).toEqual(['apps']);
    expect(parseSetArgument('scheduling')).toEqual(['scheduling']);
    expect(parseSetArgument('all')).toEqual(['apps', 'scheduling']);
  });
  it('refuses an unknown set with exit code 2 and names the sets', () => {
    expect(exitCodeOf(() => parseSetArgument('storage'))).toBe(ExitCode.BadInput);
    expect(() => parseSetArgument('Apps')).toThrow(/unknown set "Apps"/);
    try {
      parseSetArgument('x');
    } catch (err) {
      expect((err as LabError).fix).toContain('apps, scheduling, all');
    }
  });
});

describe('checkFocus', () => {
  it('accepts a plain regular expression', () => {
    expect(checkFocus('--focus', 'rollover|proportional')).toBe('rollover|proportional');
  });
  it('refuses an empty one, a broken one, and what RE2 cannot read, with exit code 2', () => {
    expect(exitCodeOf(() => checkFocus('--focus', '  '))).toBe(ExitCode.BadInput);
    expect(exitCodeOf(() => checkFocus('--focus', '[sig-apps'))).toBe(ExitCode.BadInput);
    expect(() => checkFocus('--focus', '(roll')).toThrow(/not a regular expression/);
    expect(() => checkFocus('--focus', 'roll(?!over)')).toThrow(/RE2/);
    expect(() => checkFocus('--focus', '(a)\\1')).toThrow(/backreference/);
  });
});

describe('the sets', () => {
  it('apps selects the Deployment and ReplicaSet specs only', () => {
    const re = new RegExp(SETS.apps.focus);
    expect(re.test(DEPLOYMENT)).toBe(true);
    expect(re.test(REPLICASET)).toBe(true);
    expect(re.test('[sig-apps] ReplicationController should serve a basic image')).toBe(false);
    expect(re.test('[sig-apps] DeploymentConfig whatever')).toBe(false);
    expect(re.test('[sig-apps] StatefulSet Basic StatefulSet functionality')).toBe(false);
  });
  it('scheduling selects the four scheduler containers', () => {
    const re = new RegExp(SETS.scheduling.focus);
    for (const c of ['SchedulerPredicates', 'SchedulerPreemption', 'SchedulerPriorities', 'PodTopologySpread']) expect(re.test(`[sig-scheduling] ${c} [Serial] x`)).toBe(true);
    expect(re.test('[sig-scheduling] LimitRange should create a LimitRange')).toBe(false);
  });
  it('the default skip leaves out the tagged specs', () => {
    const re = new RegExp(DEFAULT_SKIP);
    for (const tag of ['[Disruptive]', '[Serial]', '[Flaky]', '[Slow]']) expect(re.test(`x ${tag} y`)).toBe(true);
    expect(re.test(DEPLOYMENT)).toBe(false);
  });
});

describe('narrowing and exact focus', () => {
  const names = [DEPLOYMENT, REPLICASET, '[sig-apps] Deployment deployment should support proportional scaling [Conformance]'];
  it('narrow keeps what the user focus matches, or everything', () => {
    expect(narrow(names, undefined)).toEqual(names);
    expect(narrow(names, 'rollover|proportional')).toEqual([names[0], names[2]]);
    expect(narrow(names, 'nothing like this')).toEqual([]);
  });
  it('escapes every metacharacter', () => {
    const text = 'a.b*c+d?e(f)g[h]i{j}k|l^m$n\\o';
    expect(new RegExp(`^${escapeRegExp(text)}$`).test(text)).toBe(true);
    expect(new RegExp(`^${escapeRegExp('a.b')}$`).test('axb')).toBe(false);
  });
  it('focusOnExactly matches the named specs (after the suite description, as Ginkgo matches) and no longer or shorter name', () => {
    const re = new RegExp(focusOnExactly([DEPLOYMENT, REPLICASET]));
    const suite = (name: string) => `Kubernetes e2e suite ${name}`;
    expect(re.test(suite(DEPLOYMENT))).toBe(true);
    expect(re.test(suite(REPLICASET))).toBe(true);
    expect(re.test(DEPLOYMENT)).toBe(true);
    expect(re.test(suite(DEPLOYMENT.replace(' [Conformance]', '')))).toBe(false);
    expect(re.test(suite(`${DEPLOYMENT} again`))).toBe(false);
    expect(re.test(suite(`x${DEPLOYMENT}`))).toBe(false);
    expect(re.test(suite(names[2]!))).toBe(false);
    expect(() => focusOnExactly([])).toThrow();
  });
});
