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
