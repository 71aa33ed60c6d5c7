/**
 * A long-running child process (docker exec ... etcdctl watch, ctr events) that is restarted with
 * exponential backoff when it dies, and stopped cleanly. Lines of stdout go to `onLine`.
 *
 * The child's stdin is a pipe kept open for its whole life, and closing it is how it is asked to
 * stop. That matters for `docker exec`: killing the docker CLI does not kill the process it
 * started inside the container (dockerd keeps reading its output), so every tap session used to
 * leave its etcdctl and ctr watchers running in the kind nodes. A command run through
 * `untilStdinCloses` (in-node.ts), or one that reads commands from stdin (etcdctl watch -i), ends
 * when the pipe closes, and the pipe closes however this process ends, even on SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface SupervisedProcessOptions {
  command: string;
  args: string[];
  onLine: (line: string) => void;
  onStderr?: (line: string) => void;
  /** Written to the child's stdin on each (re)start, e.g. etcdctl's interactive watch commands. */
  stdinOnStart?: string;
  /** Called on each (re)start, e.g. to log; `attempt` counts restarts. */
  onStart?: (attempt: number) => void;
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  initialBackoffMs?: number; // default 500
  maxBackoffMs?: number; // default 30 000
  /** A run that lasted this long resets the backoff. Default 10 000. */
  healthyAfterMs?: number;
  /** How long stop() waits for the child to leave after its stdin closed, before SIGTERM. Default 2 000. */
  stdinGraceMs?: number;
}

export class SupervisedProcess {
  private child: ChildProcess | undefined;
  private stopped = true;
  private backoffMs: number;
  private restartTimer: NodeJS.Timeout | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** How many times the child has been started. */
  starts = 0;

  constructor(private readonly opts: SupervisedProcessOptions) {
    this.backoffMs = opts.initialBackoffMs ?? 500;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.launch();
  }

  /** Write to the running child's stdin; false when no child is running to take it. */
  write(text: string): boolean {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed || !stdin.writable) return false;
    stdin.write(text);
    return true;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  private launch(): void {
    const startedAt = Date.now();
    this.opts.onStart?.(this.starts);
    this.starts++;
    const child = spawn(this.opts.command, this.opts.args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    child.stdin!.on('error', () => {}); // EPIPE when the child is already gone: its exit is handled below
    if (this.opts.stdinOnStart) child.stdin!.write(this.opts.stdinOnStart);
    createInterface({ input: child.stdout! }).on('line', (line) => this.opts.onLine(line));
    createInterface({ input: child.stderr! }).on('line', (line) => this.opts.onStderr?.(line));
    this.exited = new Promise<void>((resolve) => {
      const finished = (code: number | null, signal: NodeJS.Signals | null) => {
        resolve();
        if (this.child === child) this.child = undefined;
        this.opts.onExit?.(code, signal);
        if (this.stopped) return;
        if (Date.now() - startedAt >= (this.opts.healthyAfterMs ?? 10_000)) this.backoffMs = this.opts.initialBackoffMs ?? 500;
        const delay = this.backoffMs;
        this.backoffMs = Math.min(this.backoffMs * 2, this.opts.maxBackoffMs ?? 30_000);
        this.restartTimer = setTimeout(() => this.launch(), delay);
      };
      child.once('error', () => finished(null, null)); // e.g. command not found: retry like a crash
      child.once('exit', finished);
    });
  }

  /**
   * Stop restarting and end the child: close its stdin and give it `stdinGraceMs` to leave (the
   * in-node process ends with it), then SIGTERM, then SIGKILL.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.stdin?.end();
    const timers = [
      setTimeout(() => child.kill('SIGTERM'), this.opts.stdinGraceMs ?? 2000),
      setTimeout(() => child.kill('SIGKILL'), (this.opts.stdinGraceMs ?? 2000) + 3000),
    ];
    await this.exited;
    for (const t of timers) clearTimeout(t);
  }
}
