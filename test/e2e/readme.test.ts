import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../lab/cluster/paths.js';
import { inlineCommands, readmeBlocks, type ReadmeCommand } from '../support/readme-commands.js';

/**
 * Issue 5: "every command in the README is run by a test". This file runs, in README order, every
 * command of every ```bash block that `.ci/run` does not run itself (npm ci, npx lab demo and
 * npm test run there). Commands ending in `&` are started in the
 * background, must come up, and are stopped with SIGINT (a reader's Ctrl-C) at the end of their
 * block, with exit code 0. Commands named in the prose must appear in a block or in `.ci/run`.
 */
const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const ciRun = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8');
const blocks = readmeBlocks(readme);
const runByCi = (command: string) => ciRun.includes(command);
const env = { ...process.env, PATH: `${join(REPO_ROOT, 'node_modules', '.bin')}:${process.env.PATH ?? ''}`, FORCE_COLOR: '0' };

interface Background {
  command: ReadmeCommand;
  child: ResultPromise;
  output: () => string;
}
const running: Background[] = [];

function start(command: ReadmeCommand): Background {
  // Its own process group, so Ctrl-C can be imitated faithfully: a terminal sends SIGINT to the
  // whole foreground group. Signalling only `npx` is not the same: npm exec does not pass SIGINT
  // on to the lab process it started (an earlier version of this test waited forever on that).
  const child = execa('bash', ['-c', `exec ${command.text}`], { cwd: REPO_ROOT, env, reject: false, all: true, buffer: false, detached: true });
  let text = '';
  child.all?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
  });
  return { command, child, output: () => text };
}

/** A background command is up when it says so: `lab run` prints "<component> ready", `lab trace` "tracing". */
async function waitUntilUp(bg: Background, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (bg.child.exitCode !== null) throw new Error(`README line ${bg.command.line}: \`${bg.command.text}\` exited early (${bg.child.exitCode}):\n${bg.output()}`);
    if (/\bready\b|\btracing\b/.test(bg.output())) return;
    if (Date.now() > deadline) throw new Error(`README line ${bg.command.line}: \`${bg.command.text}\` did not come up in ${timeoutMs / 1000} s:\n${bg.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Sends `signal` to the command's whole process group, as a terminal does. */
function signalGroup(bg: Background, signal: NodeJS.Signals): void {
  if (bg.child.pid === undefined || bg.child.exitCode !== null) return;
  try {
    process.kill(-bg.child.pid, signal);
  } catch {
    // the group is already gone
  }
}

/** How long a command may take to stop cleanly after Ctrl-C before it is killed (and the test fails). */
const STOP_GRACE_MS = 60_000;

/**
 * What the lab prints as its last words when Ctrl-C stopped it cleanly: `lab run` "✓ stopped",
 * `lab trace` "N entries saved to FILE". npm exec, which sits between the shell and the lab, gets
 * the same SIGINT and, once the lab has exited, ends itself by that signal (the shell shows 130),
 * so its exit status cannot tell a clean stop from a crash; these lines can.
 */
const CLEAN_STOP = /✓ stopped|entries saved to/;

interface Stopped {
  command: ReadmeCommand;
  exitCode: number | undefined;
  /** The signal that ended it: SIGINT when npm exec re-raised the reader's Ctrl-C on itself. */
  signal: string | undefined;
  killed: boolean;
  output: string;
}

async function stopAll(): Promise<Stopped[]> {
  const stopped: Stopped[] = [];
  while (running.length > 0) {
    const bg = running.pop()!;
    signalGroup(bg, 'SIGINT');
    let killed = false;
    const killer = setTimeout(() => {
      killed = true;
      signalGroup(bg, 'SIGKILL');
    }, STOP_GRACE_MS);
    const result = await bg.child;
    clearTimeout(killer);
    stopped.push({ command: bg.command, exitCode: result.exitCode, signal: result.signal, killed, output: bg.output() });
  }
  return stopped;
}

function expectCleanStop(stopped: Stopped): void {
  const why = `README line ${stopped.command.line}: \`${stopped.command.text}\` did not stop cleanly on Ctrl-C`;
  expect(stopped.killed, `${why}: still running ${STOP_GRACE_MS / 1000} s after SIGINT, killed:\n${stopped.output.slice(-4000)}`).toBe(false);
  const ending = stopped.signal ?? `exit ${stopped.exitCode}`;
  expect(['exit 0', 'exit 130', 'SIGINT'], `${why}: ended by ${ending}:\n${stopped.output.slice(-4000)}`).toContain(ending);
  expect(stopped.output, `${why}: no closing line:\n${stopped.output.slice(-4000)}`).toMatch(CLEAN_STOP);
}

afterAll(async () => {
  await stopAll();
});

describe('README', () => {
  it('has the two commands and a diagram the lab generated', () => {
    const all = blocks.flatMap((b) => b.commands.map((c) => c.text));
    expect(all).toEqual(expect.arrayContaining(['npm ci', 'npx lab demo', 'npm test']));
    expect(readme).toContain('```mermaid\nsequenceDiagram');
    // The first diagram is the story level of a real demo run; the full one stays in docs/.
    expect(readme).toContain(readFileSync(join(REPO_ROOT, 'docs', 'demo-story.mmd'), 'utf8').trim());
    expect(readFileSync(join(REPO_ROOT, 'docs', 'demo-sequence.mmd'), 'utf8')).toMatch(/^sequenceDiagram/);
  });

  it('names in its prose only commands that a block or .ci/run runs', () => {
    const inBlocks = new Set(blocks.flatMap((b) => b.commands.map((c) => c.text)));
    const orphans = inlineCommands(readme).filter((c) => !runByCi(c) && ![...inBlocks].some((b) => b.includes(c)));
    expect(orphans).toEqual([]);
  });

  it('.ci/run is the two commands: the demo (which sets the machine up) and the tests', () => {
    for (const command of ['npm ci', 'npx lab demo', 'npm test']) {
      expect(ciRun).toContain(command);
    }
  });

  for (const block of blocks) {
    const commands = block.commands.filter((c) => !runByCi(c.text));
    if (commands.length === 0) continue;
    it(`block at line ${block.line}: ${commands.map((c) => c.text + (c.background ? ' &' : '')).join(' ; ')}`, async () => {
      try {
        for (const command of commands) {
          if (command.background) {
            const bg = start(command);
            running.push(bg);
            await waitUntilUp(bg);
            continue;
          }
          const result = await execa('bash', ['-c', command.text], { cwd: REPO_ROOT, env, reject: false, all: true, timeout: 15 * 60_000 });
          expect(result.exitCode, `README line ${command.line}: \`${command.text}\` exited ${result.exitCode}:\n${String(result.all).slice(-4000)}`).toBe(0);
        }
      } finally {
        for (const stopped of await stopAll()) expectCleanStop(stopped);
      }
    }, 20 * 60_000);
  }
});
