import chalk from 'chalk';

/**
 * Progress lines for long operations, on stderr so `--output json` on stdout stays clean.
 * Each step prints when it starts and when it ends, with its duration.
 */
export class Progress {
  private readonly started = Date.now();
  constructor(private readonly quiet = false) {}

  async step<T>(title: string, work: (update: (detail: string) => void) => Promise<T>): Promise<T> {
    const begin = Date.now();
    this.line(chalk.cyan('•'), title + ' ...');
    let lastDetail = '';
    const update = (detail: string) => {
      if (detail === lastDetail) return; // a poll loop repeating itself says nothing new
      lastDetail = detail;
      this.line(' ', chalk.dim(`  ${detail}`));
    };
    try {
      const result = await work(update);
      this.line(chalk.green('✓'), `${title} ${chalk.dim(`(${seconds(Date.now() - begin)})`)}`);
      return result;
    } catch (error) {
      this.line(chalk.red('✗'), `${title} ${chalk.dim(`(${seconds(Date.now() - begin)})`)}`);
      throw error;
    }
  }

  info(message: string): void {
    this.line(chalk.dim('·'), message);
  }

  elapsedMs(): number {
    return Date.now() - this.started;
  }

  private line(mark: string, text: string): void {
    if (!this.quiet) process.stderr.write(`${mark} ${text}\n`);
  }
}

export function seconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
