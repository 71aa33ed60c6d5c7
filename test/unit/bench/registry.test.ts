// The bench's real registry: consistent with the runner and the CLI (ids, rows, lab order, options,
// help), and `lab bench` refusing an unknown --only as a process, before it touches the cluster.
import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lab/cluster/paths.js';
import { LAB_SIDE_ORDER, MEASUREMENT_IDS, MEASUREMENTS } from '../../../lab/bench/measurements/index.js';

const runLab = (args: string[]) => execa(process.execPath, [join(REPO_ROOT, 'lab', 'bin', 'lab.mjs'), ...args], { reject: false });

describe('bench registry', () => {
  it('ids and row ids are unique; each measurement has a side and at least one row', () => {
    expect(new Set(MEASUREMENT_IDS).size).toBe(MEASUREMENTS.length);
    const rowIds = MEASUREMENTS.flatMap((m) => m.rows({ runs: 1, nodeCounts: [10] }).map((r) => r.id));
    expect(new Set(rowIds).size).toBe(rowIds.length);
    for (const m of MEASUREMENTS) {
      expect(m.builtin ?? m.lab, m.id).toBeDefined();
      expect(m.rows({ runs: 1, nodeCounts: [10] }).length, m.id).toBeGreaterThan(0);
    }
  });

  it('the first row of each measurement carries its id (it is the row a failure lands on)', () => {
    for (const m of MEASUREMENTS) expect(m.rows({ runs: 2, nodeCounts: [10] })[0]!.id.startsWith(m.id), m.id).toBe(true);
  });

  it('LAB_SIDE_ORDER places every lab side once, and names nothing else', () => {
    const withLab = MEASUREMENTS.filter((m) => m.lab).map((m) => m.id);
    expect([...LAB_SIDE_ORDER].sort()).toEqual([...withLab].sort());
    // rss leaves 2,000 pods until the end: nothing measured on pods may run after it but the scale measurements.
    expect(LAB_SIDE_ORDER.slice(LAB_SIDE_ORDER.indexOf('rss') + 1)).toEqual(['sched-scale', 'rs-scale']);
  });

  it('lab bench --help describes every measurement and offers every option one reads', { timeout: 60_000 }, async () => {
    const { stdout, exitCode } = await runLab(['bench', '--help']);
    expect(exitCode).toBe(0);
    for (const m of MEASUREMENTS) {
      expect(stdout).toContain(`  ${m.id.padEnd(17)}${m.measures[0]}`);
      for (const option of m.options) expect(stdout, `${m.id} reads ${option}`).toContain(`${option} <`);
    }
  });

  it('lab bench --only nosuch exits 2, names it and lists the valid names', { timeout: 60_000 }, async () => {
    const { stderr, exitCode } = await runLab(['bench', '--only', 'nosuch']);
    expect(exitCode).toBe(2);
    expect(stderr).toContain('unknown measurement "nosuch"');
    expect(stderr).toContain(`choose among ${MEASUREMENT_IDS.join(', ')}`);
  });
});
