/** Help text the commands share. */

/** The "Examples:" block after a command's help: each command to type on its own "  $ " line. */
export function examples(...commands: string[]): string {
  return exampleBlock('Examples:', commands);
}

/** The same block for a command with one example ("Example:"). */
export function example(command: string): string {
  return exampleBlock('Example:', [command]);
}

function exampleBlock(heading: string, commands: readonly string[]): string {
  return `\n${heading}\n${commands.map((c) => `  $ ${c}`).join('\n')}`;
}
