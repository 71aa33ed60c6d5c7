// The fast slice of `lab conformance` for CI: upstream's own e2e specs for Deployment rolling
// updates, rollover and proportional scaling, and one ReplicaSet spec, against the lab's
// Deployment and ReplicaSet controllers (the built-ins off while they run, back as before after).
// A regression in the controllers' fidelity fails here with upstream's message. The same for the
// scheduler: upstream's basic predicates specs against lab-scheduler serving default-scheduler
// (kube-scheduler stopped while they run, back after).
import { describe, expect, it } from 'vitest';
import { lab } from './support.js';

const SLICE = [
  'RollingUpdateDeployment should delete old pods and create new ones',
  'deployment should support rollover',
  'deployment should support proportional scaling',
  'ReplicaSet should serve a basic image on each replica with a public image',
];

const SCHEDULING_SLICE = [
  'validates that NodeSelector is respected if matching [Conformance]',
  'validates that NodeSelector is respected if not matching [Conformance]',
  'validates resource limits of pods that are allowed to run [Conformance]',
];

/** One regex that matches exactly these spec names (Ginkgo's --focus). */
const focusOn = (names: string[]) => names.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');

interface Result {
  runs: { set: string; against: string; counts: { run: number; passed: number; failed: number }; specs: { name: string; state: string; failure?: { message: string } }[] }[];
}

/** The run was against the lab, and exactly these specs ran and passed (upstream's message if not). */
function expectEveryOnePassed(stdout: string, names: string[]): void {
  const run = (JSON.parse(stdout) as Result).runs[0]!;
  expect(run.against).toBe('lab');
  const failures = run.specs.filter((s) => s.state !== 'passed').map((s) => `${s.name}: ${s.state} ${s.failure?.message ?? ''}`);
  expect(failures).toEqual([]);
  for (const name of names) expect(run.specs.some((s) => s.name.includes(name)), name).toBe(true);
  expect(run.counts).toMatchObject({ run: names.length, passed: names.length, failed: 0 });
}

describe('lab conformance (fast slice)', () => {
  it("upstream's rolling-update, rollover, proportional-scaling and ReplicaSet specs pass against the lab's controllers", async () => {
    const result = await lab(['conformance', 'apps', '--focus', focusOn(SLICE), '--output', 'json'], { timeoutMs: 6 * 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expectEveryOnePassed(result.stdout, SLICE);
  }, 7 * 60_000);

  it("upstream's basic scheduler predicates specs pass against lab-scheduler serving default-scheduler", async () => {
    // The scheduling specs are all [Serial]: --with-slow lets them in, --focus keeps these three.
    const result = await lab(['conformance', 'scheduling', '--with-slow', '--focus', focusOn(SCHEDULING_SLICE), '--output', 'json'], { timeoutMs: 9 * 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expectEveryOnePassed(result.stdout, SCHEDULING_SLICE);
  }, 10 * 60_000);

  it('refuses an unknown set and a broken --focus with exit code 2, before touching the cluster', async () => {
    const unknown = await lab(['conformance', 'storage']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown set "storage"/);
    const broken = await lab(['conformance', 'apps', '--focus', '(rollover']);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toMatch(/not a regular expression/);
  });
});
