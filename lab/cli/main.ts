import { Command, CommanderError } from 'commander';
import chalk from 'chalk';
import { describeError, exitCodeOf, ExitCode } from '../base/errors.js';
import { loadCommandModules, type CommandModule } from './commands/index.js';

/** Builds the `lab` program from command modules of ./commands, each with help and an example. */
export function buildProgram(commandModules: readonly CommandModule[]): Command {
  const program = new Command('lab')
    .description('k8s-flow-lab: see, and change, what happens between `kubectl create deployment` and a running container')
    .showHelpAfterError('(run with --help for usage)')
    // The program has no options of its own; positional options let a command and its subcommand
    // share an option name (`lab trace --level` and `lab trace export --level`): without it, the
    // subcommand's arguments reach the parent first and the parent takes them.
    .enablePositionalOptions()
    .exitOverride();
  program.addHelpText(
    'after',
    `
Examples:
  $ npx lab demo                 # from nothing to the live chain of events
  $ npx lab up && npx lab status # a 3-node kind cluster, offline
  $ npx lab exercise list        # guided exercises`,
  );
  for (const module of commandModules) module.register(program);
  // Sub-commands inherit exitOverride so a usage error returns exit code 2 instead of exiting.
  for (const command of program.commands) command.exitOverride();
  return program;
}

/** Runs the CLI and returns its exit code (0 success, 1 failure, 2 bad input). */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram(await loadCommandModules(argv));
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Success;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? ExitCode.Success : ExitCode.BadInput;
    }
    const { message, fix } = describeError(error);
    process.stderr.write(`${chalk.red('error:')} ${message}\n`);
    if (fix) process.stderr.write(`${chalk.yellow('fix:')} ${fix}\n`);
    if (process.env.LAB_DEBUG && error instanceof Error && error.stack) process.stderr.write(chalk.dim(error.stack) + '\n');
    return exitCodeOf(error);
  }
}
