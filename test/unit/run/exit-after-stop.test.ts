import { execa } from 'execa';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lab/cluster/paths.js';

/**
 * `lab run` stopped by SIGTERM printed "✓ stopped" but did not exit while a scheduler plugin's
 * abandoned call (one that did not return within pluginTimeoutMs) still waited on a timer.
 * armExitAfterStop is what the run command arms once runLab returns; each case runs in its own
 * Node process, since what is tested is whether that process ends.
 */
const MODULE = pathToFileURL(join(REPO_ROOT, 'lab', 'run', 'exit-after-stop.ts')).href;
const LOADER = pathToFileURL(join(REPO_ROOT, 'lab', 'bin', 'typescript-loader.mjs')).href;
const CACHE = join(tmpdir(), 'lab-exit-after-stop-ts-cache');

function node(body: string) {
  const script = [
    `const { registerTypeScript } = await import(${JSON.stringify(LOADER)});`,
    `registerTypeScript({ cacheDir: ${JSON.stringify(CACHE)} });`,
    `const { armExitAfterStop } = await import(${JSON.stringify(MODULE)});`,
    body,
  ].join('\n');
  return execa(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_ROOT, reject: false, timeout: 30_000 });
}

describe('armExitAfterStop', { timeout: 60_000 }, () => {
  it('a timer left behind (a hung plugin call) no longer keeps the process alive: it exits after the grace, with the exit code set, saying why', async () => {
    const started = Date.now();
    const result = await node(`
      setTimeout(() => console.log('the hung plugin call returned'), 20_000);
      process.exitCode = 0;
      armExitAfterStop(300);
    `);
    const elapsed = Date.now() - started;
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('returned');
    expect(result.stderr).toContain('still running 300 ms after stopping');
    expect(result.stderr).toContain('exiting without waiting for it');
    expect(elapsed).toBeLessThan(15_000);
  });

  it('keeps a failure exit code', async () => {
    const result = await node(`setInterval(() => {}, 1000); process.exitCode = 1; armExitAfterStop(200);`);
    expect(result.exitCode).toBe(1);
  });

  it('does not hold a clean process open: with nothing pending it ends at once, without the message', async () => {
    const started = Date.now();
    const result = await node(`armExitAfterStop(20_000);`);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
