import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_ENTRIES, entriesFor } from '../../../lab/cli/commands/index.js';

describe('command entries (loaded on demand)', () => {
  it('each entry names exactly the top-level commands its module registers, and no command is in two', async () => {
    const seen: string[] = [];
    for (const entry of COMMAND_ENTRIES) {
      const program = new Command('lab');
      (await entry.load()).register(program);
      expect(program.commands.map((c) => c.name())).toEqual(entry.commands);
      seen.push(...entry.commands);
    }
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('a known command loads its module only; no command, help or a typo loads them all', () => {
    const argv = (...args: string[]) => ['node', 'lab.mjs', ...args];
    expect(entriesFor(argv('run', '--only', 'scheduler')).map((e) => e.commands)).toEqual([['run', 'stop']]);
    expect(entriesFor(argv('status')).map((e) => e.commands[0])).toEqual(['up']);
    expect(entriesFor(argv('trace', 'export', 'x.jsonl')).map((e) => e.commands)).toEqual([['trace']]);
    for (const args of [[], ['--help'], ['help', 'run'], ['rnu']]) expect(entriesFor(argv(...args))).toBe(COMMAND_ENTRIES);
  });
});
