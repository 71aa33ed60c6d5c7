// The fast slice of `lab conformance` for CI: upstream's own e2e specs for Deployment rolling
// updates, rollover and proportional scaling, and one ReplicaSet spec, against the lab's
// Deployment and ReplicaSet controllers (the built-ins off while they run, back as before after).
// A regression in the controllers' fidelity fails here with upstream's message.
import { describe, expect, it } from 'vitest';
import { lab } from './support.js';

const SLICE = [
  'RollingUpdateDeployment should delete old pods and create new ones',
  'deployment should support rollover',
  'deployment should support proportional scaling',
  'ReplicaSet should serve a basic image on each replica with a public image',
];

interface Result {
  runs: { set: string; against: string; counts: { run: number; passed: number; failed: number }; specs: { name: string; state: string; failure?: { message: string } }[] }[];
}

describe('lab conformance (fast slice)', () => {
  it("upstream's rolling-update, rollover, proportional-scaling and ReplicaSet specs pass against the lab's controllers", async () => {
    const focus = SLICE.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    const result = await lab(['conformance', 'apps', '--focus', focus, '--output', 'json'], { timeoutMs: 6 * 60_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout) as Result;
    const run = parsed.runs[0]!;
    expect(run.against).toBe('lab');
    const failures = run.specs.filter((s) => s.state !== 'passed').map((s) => `${s.name}: ${s.state} ${s.failure?.message ?? ''}`);
    expect(failures).toEqual([]);
    for (const name of SLICE) expect(run.specs.some((s) => s.name.includes(name)), name).toBe(true);
    expect(run.counts).toMatchObject({ run: SLICE.length, passed: SLICE.length, failed: 0 });
  }, 7 * 60_000);

  it('refuses an unknown set and a broken --focus with exit code 2, before touching the cluster', async () => {
    const unknown = await lab(['conformance', 'storage']);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown set "storage"/);
    const broken = await lab(['conformance', 'apps', '--focus', '(rollover']);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toMatch(/not a regular expression/);
  });
});
