import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lab/cluster/paths.js';

/** The real CLI, run as a process: bad input exits 2 with a message and a fix, before any change. */
const LAB = join(REPO_ROOT, 'lab', 'bin', 'lab.mjs');
const runLab = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [LAB, ...args], { reject: false, env: { ...process.env, ...env }, extendEnv: false });

describe('lab CLI exit codes', { timeout: 60_000 }, () => {
  it('--help lists the commands with examples and exits 0', async () => {
    const result = await runLab(['--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toMatch(/\bup\b/);
    const upHelp = await runLab(['up', '--help']);
    expect(upHelp.stdout).toContain('$ npx lab up');
  });

  it('an unknown option is bad input (2)', async () => {
    const result = await runLab(['status', '--no-such-flag']);
    expect(result.exitCode).toBe(2);
  });

  it.each([['status'], ['doctor'], ['compare', 'scale'], ['bench']])('a bad --output value is bad input (2), named, before any work (%s)', async (...command) => {
    const result = await runLab([...command, '--output', 'yaml']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--output must be "text" or "json", not "yaml"');
  });

  it('a kind-config.yaml that does not parse: exit 2, the file, and a fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-cfg-'));
    const file = join(dir, 'kind-config.yaml');
    writeFileSync(file, 'kind: Cluster\n  nodes: [');
    const result = await runLab(['up'], { LAB_KIND_CONFIG: file });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('kind-config.yaml is not valid YAML');
    expect(result.stderr).toContain('fix:');
  });

  it('docker missing: exit 2 and how to install it', async () => {
    // Only Node's own directory on PATH: no docker.
    const result = await runLab(['status'], { PATH: dirname(process.execPath) });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/docker.*not found/i);
    expect(result.stderr).toContain('setup-docker.sh');
  });
});
