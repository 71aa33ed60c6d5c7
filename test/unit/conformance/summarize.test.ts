import { describe, expect, it } from 'vitest';
import { junitPathFor, noSpecs, summarize } from '../../../lab/conformance/conformance.js';
import type { SpecResult } from '../../../lab/conformance/report.js';

const spec = (name: string, state: SpecResult['state'], extra: Partial<SpecResult> = {}): SpecResult => ({ name, state, ginkgoState: state, durationMs: 1000, log: '', ...extra });

describe('summarize', () => {
  const specs = [
    spec('a', 'passed', { namespace: 'deployment-1' }),
    spec('b', 'failed', { namespace: 'deployment-2', failure: { message: 'revision mismatch' } }),
    spec('c', 'failed', { failure: { message: 'timed out' }, log: 'Failed to pull image "registry.k8s.io/e2e-test-images/nginx:1.14-4"' }),
    spec('d', 'skipped', { skipReason: 'Only supported for providers [gce]' }),
  ];
  const run = summarize('apps', 'lab', 'ours', specs, '/s/trace.jsonl');
  it('counts run (not skipped), passed, failed and the kinds of failure', () => {
    expect(run.counts).toEqual({ run: 3, passed: 1, failed: 2, skipped: 1, realFailures: 1, environmentFailures: 1 });
  });
  it('classifies each failure and lists the environment causes once', () => {
    expect(run.specs[1]!.failure).toEqual({ message: 'revision mismatch', kind: 'real' });
    expect(run.specs[2]!.failure?.kind).toBe('environment');
    expect(run.environment).toEqual([{ reason: expect.stringContaining('nginx:1.14-4') as string, specs: ['c'] }]);
  });
  it('points at the trace of a spec namespace when the lab recorded one, else not', () => {
    expect(run.specs[0]!.trace).toBe('npx lab trace export --input /s/trace.jsonl --format text --namespace deployment-1');
    expect(run.specs[2]!.trace).toBeUndefined();
    const untraced = summarize('apps', 'builtin', 'built-ins', specs, undefined);
    expect(untraced.specs[0]!.trace).toBeUndefined();
    expect(untraced.specs[0]!.namespace).toBe('deployment-1');
  });
  it('keeps no log in the result (JSON output stays readable)', () => {
    expect(JSON.stringify(run)).not.toContain('Failed to pull image');
    expect(run.specs[3]!.skipReason).toMatch(/providers/);
  });
});

describe('junitPathFor', () => {
  it('the first set gets the file as given, the others a suffixed one', () => {
    expect(junitPathFor(undefined, 'apps', ['apps'])).toBeUndefined();
    expect(junitPathFor('/tmp/j.xml', 'apps', ['apps', 'scheduling'])).toBe('/tmp/j.xml');
    expect(junitPathFor('/tmp/j.xml', 'scheduling', ['apps', 'scheduling'])).toBe('/tmp/j-scheduling.xml');
    expect(junitPathFor('/tmp.d/junit', 'scheduling', ['apps', 'scheduling'])).toBe('/tmp.d/junit-scheduling');
  });
});

describe('noSpecs', () => {
  it('a --focus that matches nothing points at the list', () => {
    const err = noSpecs('apps', 20, 'nothing', false);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe('none of the 20 apps specs matches --focus "nothing"');
    expect(err.fix).toBe('see their names: npx lab conformance apps --list');
  });
  it('a set whose specs are all [Serial] by default says to add --with-slow', () => {
    const err = noSpecs('scheduling', 0, undefined, false);
    expect(err.message).toMatch(/\[Serial\]/);
    expect(err.fix).toContain('--with-slow');
  });
  it('nothing even with --with-slow means the set focus went stale', () => {
    expect(noSpecs('scheduling', 0, undefined, true).fix).toMatch(/sets\.ts/);
  });
});
