import chalk from 'chalk';
import { InvalidArgumentError, Option } from 'commander';

/** How a command prints its result: for people, or as JSON for scripts (`--output json`). */
export type OutputFormat = 'text' | 'json';

/** commander turns an InvalidArgumentError into a usage error: exit code 2, with the help hint. */
export function parseOutputFormat(value: string): OutputFormat {
  if (value === 'text' || value === 'json') return value;
  throw new InvalidArgumentError(`--output must be "text" or "json", not "${value}"`);
}

/** The `-o, --output text|json` option every command that prints results takes. */
export function outputOption(): Option {
  return new Option('-o, --output <format>', 'text or json').default('text').argParser(parseOutputFormat);
}

/** Prints `data` as JSON, or calls `renderText` for people. */
export function emit<T>(format: OutputFormat, data: T, renderText: (data: T) => string): void {
  if (format === 'json') process.stdout.write(JSON.stringify(data, null, 2) + '\n');
  else process.stdout.write(renderText(data) + '\n');
}

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
