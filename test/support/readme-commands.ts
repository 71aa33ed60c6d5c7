/**
 * The commands a README shows, as the README test runs them: every line of every ```bash block,
 * in order, grouped by block. `a && b` is two commands; a trailing `# comment` is dropped; a
 * trailing `&` marks a command that keeps running (started in the background, stopped with
 * SIGINT when its block ends, as a reader stops it with Ctrl-C).
 */
export interface ReadmeCommand {
  /** The command as a reader types it, without the trailing `&` or comment. */
  text: string;
  background: boolean;
  /** 1-based line in the README. */
  line: number;
}

export interface ReadmeBlock {
  line: number;
  commands: ReadmeCommand[];
}

export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  let current: ReadmeBlock | undefined;
  markdown.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const fence = /^\s*```(\S*)\s*$/.exec(raw);
    if (fence) {
      if (current) {
        blocks.push(current);
        current = undefined;
      } else if (fence[1] === 'bash' || fence[1] === 'sh') {
        current = { line, commands: [] };
      } else {
        // another language's block: skip to its closing fence
        current = { line: -1, commands: [] };
      }
      return;
    }
    if (!current || current.line === -1) return;
    const text = stripComment(raw).trim();
    if (text === '') return;
    const background = /\s&$/.test(text);
    const body = background ? text.replace(/\s*&$/, '') : text;
    for (const part of body.split(/\s&&\s/)) current.commands.push({ text: part.trim(), background, line });
  });
  return blocks.filter((b) => b.line !== -1);
}

/** Drops a ` # comment` that is not inside quotes. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return line.slice(0, i);
    }
  }
  return line;
}

/** Inline `npx lab ...` / `npm ...` commands in the prose (outside code blocks). */
export function inlineCommands(markdown: string): string[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '');
  const found: string[] = [];
  for (const match of prose.matchAll(/`((?:npx lab|npm) [^`]+)`/g)) found.push(match[1]!.replace(/\s+/g, ' ').trim()); // a code span may wrap
  return found;
}
