import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { example, examples } from '../../../lab/cli/help.js';
import { outputOption, printResult } from '../../../lab/cli/output.js';

describe('help blocks (lab/cli/help.ts)', () => {
  it('examples: a heading, then each command after "  $ "', () => {
    expect(examples('npx lab status', 'npx lab status --output json')).toBe('\nExamples:\n  $ npx lab status\n  $ npx lab status --output json');
  });

  it('example: the singular heading for one command', () => {
    expect(example('npx lab down')).toBe('\nExample:\n  $ npx lab down');
  });
});

describe('printResult (lab/cli/output.ts)', () => {
  afterEach(() => vi.restoreAllMocks());

  /** Runs `argv` through a one-command program whose action is `action`; returns what it wrote to stdout. */
  async function run(command: (program: Command) => Command, argv: string[]): Promise<string> {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const program = new Command().exitOverride();
    command(program);
    await program.parseAsync(argv, { from: 'user' });
    return written.join('');
  }

  const render = (r: { greeting: string }) => `text: ${r.greeting}`;

  it('without arguments: text by default, JSON with --output json', async () => {
    const cmd = (p: Command) => p.command('hello').addOption(outputOption()).action(printResult(async () => ({ greeting: 'hi' }), render));
    expect(await run(cmd, ['hello'])).toBe('text: hi\n');
    expect(JSON.parse(await run(cmd, ['hello', '--output', 'json']))).toEqual({ greeting: 'hi' });
  });

  it("passes the command's arguments to run, not the options or the command", async () => {
    const seen: unknown[][] = [];
    const cmd = (p: Command) =>
      p
        .command('greet')
        .argument('<name>')
        .argument('[title]')
        .addOption(outputOption())
        .action(printResult(async (name: string, title?: string) => {
          seen.push([name, title]);
          return { greeting: `hello ${title ? `${title} ` : ''}${name}` };
        }, render));
    expect(await run(cmd, ['greet', 'ada', '--output', 'json'])).toBe('{\n  "greeting": "hello ada"\n}\n');
    expect(await run(cmd, ['greet', 'ada', 'dr'])).toBe('text: hello dr ada\n');
    expect(seen).toEqual([['ada', undefined], ['ada', 'dr']]);
  });

  it('a failing run rejects with its error', async () => {
    const cmd = (p: Command) => p.command('fail').addOption(outputOption()).action(printResult(async () => { throw new Error('boom'); }, render));
    await expect(run(cmd, ['fail'])).rejects.toThrow('boom');
  });
});
