import { Command } from 'commander';
import { doctorExitCode, formatReport, runDoctor, systemProbes, systemSettings } from '../../doctor/index.js';
import { emit, outputOption, type OutputFormat } from '../output.js';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check that this machine has what the lab needs (Node, Docker, capabilities, build tools, image, cluster, disk)')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Each check prints ✓, ! (a warning) or ✗ with a fix. Exit code 1 when any check fails.

Examples:
  $ npx lab doctor
  $ npx lab doctor --output json | jq '.checks[] | select(.ok == false)'`,
    )
    .action(async (opts: { output: OutputFormat }) => {
      const report = await runDoctor(systemProbes, systemSettings());
      emit(opts.output, report, (r) => formatReport(r));
      process.exitCode = doctorExitCode(report);
    });
}
