import { describe, expect, it } from 'vitest';
import { inlineCommands, readmeBlocks } from '../../support/readme-commands.js';

const md = [
  '# Title',
  'Run `npx lab status` or `npm test`; not `kubectl get pods`.',
  '```bash',
  'npm ci && npx lab demo     # see it',
  '',
  '# a comment line',
  'npx lab run --trace .lab/trace/current.jsonl &   # keep it running',
  "npx lab kubectl -- get pods -o jsonpath='{.items[*]#x}'",
  '```',
  '```yaml',
  'not: a command',
  '```',
  '```sh',
  'npx lab doctor',
  '```',
].join('\n');

describe('readmeBlocks', () => {
  const blocks = readmeBlocks(md);

  it('finds the bash and sh blocks with their lines, not other languages', () => {
    expect(blocks.map((b) => b.line)).toEqual([3, 13]);
  });

  it('splits `a && b`, drops comments, marks a trailing & as background', () => {
    expect(blocks[0]!.commands).toEqual([
      { text: 'npm ci', background: false, line: 4 },
      { text: 'npx lab demo', background: false, line: 4 },
      { text: 'npx lab run --trace .lab/trace/current.jsonl', background: true, line: 7 },
      { text: "npx lab kubectl -- get pods -o jsonpath='{.items[*]#x}'", background: false, line: 8 },
    ]);
  });
});

describe('inlineCommands', () => {
  it('finds npx lab and npm commands in the prose only', () => {
    expect(inlineCommands(md)).toEqual(['npx lab status', 'npm test']);
  });

  it('reads a code span that wraps onto the next line as one command, as Markdown renders it', () => {
    expect(inlineCommands('It runs (`npx lab conformance all\n--with-slow`) here.')).toEqual(['npx lab conformance all --with-slow']);
  });
});
