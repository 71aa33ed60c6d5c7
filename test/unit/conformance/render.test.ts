import { describe, expect, it } from 'vitest';
import type { SetRun } from '../../../lab/conformance/conformance.js';
import { firstLines, fitName, renderSetRun, renderTable, summaryLine } from '../../../lab/conformance/render.js';

const run: SetRun = {
  set: 'apps',
  against: 'lab',
  controllers: "the lab's controllers",
  specs: [
    { name: '[sig-apps] Deployment deployment should support rollover [Conformance]', state: 'passed', durationMs: 21_400 },
    {
      name: '[sig-apps] Deployment test Deployment ReplicaSet orphaning and adoption regarding controllerRef',
      state: 'failed',
      durationMs: 64_000,
      namespace: 'deployment-7213',
      trace: 'npx lab trace export --input t.jsonl --format text --namespace deployment-7213',
      failure: { message: 'expected revision 3546343826724305833\ngot 3546343826724306000', location: 'test/e2e/apps/deployment.go:776', kind: 'real' },
    },
    { name: '[sig-apps] Deployment webserver spec', state: 'failed', durationMs: 300_000, failure: { message: 'timed out', kind: 'environment', reason: 'no registry: x could not be pulled' } },
    { name: '[sig-apps] ReplicaSet should serve a basic image on each replica with a private image', state: 'skipped', durationMs: 0, skipReason: 'Only supported for providers [gce gke]' },
  ],
  counts: { run: 3, passed: 1, failed: 2, skipped: 1, realFailures: 1, environmentFailures: 1 },
  environment: [{ reason: 'no registry: x could not be pulled', specs: ['[sig-apps] Deployment webserver spec'] }],
  setupFailures: [],
  wallMs: 400_000,
  log: '/s/e2e.log',
};

describe('render helpers', () => {
  it('fitName keeps the end of a long name', () => {
    expect(fitName('short', 10)).toBe('short');
    const cut = fitName('[sig-apps] Deployment deployment should support rollover', 20);
    expect(cut).toHaveLength(20);
    expect(cut.startsWith('…')).toBe(true);
    expect(cut.endsWith('support rollover')).toBe(true);
  });
  it('firstLines drops blank lines and says how many it left out', () => {
    expect(firstLines('a\n\nb\n', 5)).toEqual(['a', 'b']);
    expect(firstLines('1\n2\n3\n4', 2)).toEqual(['1', '2', '… (2 more lines)']);
  });
  it('the table has one row per spec with its state and duration', () => {
    const rows = renderTable(run.specs, 100);
    expect(rows).toHaveLength(4);
    expect(rows[0]).toMatch(/passed\s+21 s$/);
    expect(rows[1]).toMatch(/FAILED\s+64 s$/);
    expect(rows[3]).toMatch(/skipped\s+0\.0 s$/);
  });
  it('the summary counts passed over run, and the kinds of failure', () => {
    expect(summaryLine(run)).toBe('apps against lab: 1/3 passed, 2 failed (1 real, 1 environment), 1 skipped, in 400 s');
    expect(summaryLine({ ...run, counts: { run: 2, passed: 2, failed: 0, skipped: 0, realFailures: 0, environmentFailures: 0 } })).toBe('apps against lab: 2/2 passed, 0 failed, 0 skipped, in 400 s');
  });
});

describe('renderSetRun', () => {
  const text = renderSetRun(run, 120);
  it("prints a real failure with upstream's message, where, and the trace command", () => {
    expect(text).toContain('failures:');
    expect(text).toContain('at test/e2e/apps/deployment.go:776');
    expect(text).toContain('got 3546343826724306000');
    expect(text).toContain('what the lab did: npx lab trace export --input t.jsonl --format text --namespace deployment-7213');
  });
  it('lists each environment cause once, with its specs, and not among the failures', () => {
    expect(text.match(/no registry: x could not be pulled/g)).toHaveLength(1);
    const failures = text.slice(text.indexOf('failures:'), text.indexOf('failed because of the environment'));
    expect(failures).not.toContain('webserver spec');
  });
  it('ends with the summary and where the output is', () => {
    expect(text).toMatch(/1\/3 passed.*\ne2e output: \/s\/e2e\.log$/);
  });
});
