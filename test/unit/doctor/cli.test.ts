import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lab/cluster/paths.js';

const LAB = join(REPO_ROOT, 'lab', 'bin', 'lab.mjs');

describe('lab doctor as a process', { timeout: 60_000 }, () => {
  it('--help shows an Examples block', async () => {
    const result = await execa(process.execPath, [LAB, 'doctor', '--help'], { reject: false });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('$ npx lab doctor --output json');
  });
});
