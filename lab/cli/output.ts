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
 * The action of a command that prints one result and takes no option but --output: awaits `run`
 * with the command's arguments and prints what it returns (see emit). commander calls an action
 * with the arguments, then the options, then the command itself.
 */
export function printResult<A extends unknown[], T>(run: (...args: A) => Promise<T>, renderText: (data: T) => string) {
  return async (...received: [...A, { output: OutputFormat }, unknown]): Promise<void> => {
    const opts = received.at(-2) as { output: OutputFormat };
    emit(opts.output, await run(...(received.slice(0, -2) as A)), renderText);
  };
}
