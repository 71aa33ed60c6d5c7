/**
 * A long-running child process (docker exec ... etcdctl watch, ctr events) that is restarted with
 * exponential backoff when it dies, and stopped cleanly. Lines of stdout go to `onLine`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface SupervisedProcessOptions {
  command: string;
  args: string[];
  onLine: (line: string) => void;
  onStderr?: (line: string) => void;
  /** Called on each (re)start, e.g. to log; `attempt` counts restarts. */
  onStart?: (attempt: number) => void;
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  initialBackoffMs?: number; // default 500
  maxBackoffMs?: number; // default 30 000
  /** A run that lasted this long resets the backoff. Default 10 000. */
  healthyAfterMs?: number;
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

  private launch(): void {
    const startedAt = Date.now();
    this.opts.onStart?.(this.starts);
    this.starts++;
    const child = spawn(this.opts.command, this.opts.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
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

  /** Stop restarting, terminate the child and wait for it to exit. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.kill('SIGTERM');
      await this.exited;
      clearTimeout(killer);
    }
  }
}
