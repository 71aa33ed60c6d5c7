import { execa } from 'execa';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../../lab/cluster/paths.js';
import { parentToWatch, stopWhenParentExits, STOP_WITH_PARENT_ENV } from '../../../lab/run/parent-watch.js';

describe('parentToWatch', () => {
  it('a pid from LAB_STOP_WITH_PARENT; nothing when unset, not a number, or init', () => {
    expect(parentToWatch({ [STOP_WITH_PARENT_ENV]: '4242' })).toBe(4242);
    for (const value of [undefined, '', 'bench', '12x', '-3', '1', '0']) expect(parentToWatch({ [STOP_WITH_PARENT_ENV]: value }), String(value)).toBeUndefined();
  });
});

describe('stopWhenParentExits', () => {
  afterEach(() => vi.useRealTimers());

  it('stops once, the first time the parent is another process, and not while it is the same', () => {
    vi.useFakeTimers();
    let parent = 4242;
    const stop = vi.fn();
    stopWhenParentExits(4242, stop, () => parent, 1000);
    vi.advanceTimersByTime(5000);
    expect(stop).not.toHaveBeenCalled();
    parent = 1; // handed to init: the bench is gone
    vi.advanceTimersByTime(1000);
    expect(stop).toHaveBeenCalledTimes(1);
    parent = 7;
    vi.advanceTimersByTime(5000);
    expect(stop).toHaveBeenCalledTimes(1);
  });

  it('unwatching stops the checks', () => {
    vi.useFakeTimers();
    const stop = vi.fn();
    const unwatch = stopWhenParentExits(4242, stop, () => 1, 1000);
    unwatch();
    vi.advanceTimersByTime(5000);
    expect(stop).not.toHaveBeenCalled();
  });

  it('a real child whose parent is SIGKILLed stops by itself', { timeout: 30_000 }, async () => {
    // parent: starts a child that watches it, prints the child's pid, then waits to be killed.
    const watcher = pathToFileURL(join(REPO_ROOT, 'lab', 'run', 'parent-watch.ts')).href;
    const loader = pathToFileURL(join(REPO_ROOT, 'lab', 'bin', 'typescript-loader.mjs')).href;
    const child = `const { registerTypeScript } = await import(${JSON.stringify(loader)});
registerTypeScript({ cacheDir: ${JSON.stringify(join(REPO_ROOT, '.lab', 'ts-cache'))} });
const { parentToWatch, stopWhenParentExits } = await import(${JSON.stringify(watcher)});
const keepAlive = setInterval(() => {}, 1000);
setTimeout(() => process.exit(3), 20_000).unref(); // never outlives the test, even when it fails
stopWhenParentExits(parentToWatch(process.env), () => { clearInterval(keepAlive); }, undefined, 100);`;
    const parent = `const { spawn } = await import('node:child_process');
const c = spawn(process.execPath, ['--input-type=module', '-e', ${JSON.stringify(child)}], { env: { ...process.env, ${STOP_WITH_PARENT_ENV}: String(process.pid) }, stdio: 'ignore', detached: true });
console.log(c.pid);
setInterval(() => {}, 1000);`;
    const p = execa(process.execPath, ['--input-type=module', '-e', parent], { reject: false, buffer: false });
    const childPid = await new Promise<number>((resolve) => p.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive(childPid)).toBe(true);
    p.kill('SIGKILL');
    await p;
    const deadline = Date.now() + 10_000;
    while (alive(childPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive(childPid)).toBe(false);
  });
});
