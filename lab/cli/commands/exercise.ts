/**
 * `lab exercise`: guided exercises. Each works in its own namespace (ex-<id>), checks the result
 * and, through the trace, how it came about; progress lives in <state>/exercises/progress.json.
 */
import chalk from 'chalk';
import { Command } from 'commander';
import { stateDir } from '../../cluster/paths.js';
import { createDefaultEngine } from '../../exercises/default-engine.js';
import type { CheckReport, ExerciseListing, HintResult, ResetResult, SolutionResult, StartResult, StepResult } from '../../exercises/engine.js';
import { withPlaceholders } from '../../exercises/action-schema.js';
import { currentTracePath } from '../../trace/files.js';
import { BadInputError, ExitCode, LabError } from '../../base/errors.js';
import { emit, outputOption, printResult, type OutputFormat } from '../output.js';
import { examples } from '../help.js';

const mark = (pass: boolean) => (pass ? chalk.green('✓') : chalk.red('✗'));

export function renderList(items: ExerciseListing[]): string {
  const statusText = { 'not started': chalk.dim('not started'), started: chalk.yellow('started'), completed: chalk.green('completed') };
  return items
    .map((e) => `${e.current ? chalk.cyan('▶') : ' '} ${String(e.number).padStart(2)}. ${chalk.bold(e.id.padEnd(28))} ${statusText[e.status]}\n      ${e.title}`)
    .join('\n');
}

export function renderStart(result: StartResult, tracePath: string): string {
  const e = result.exercise;
  const undone = result.previousCleanup
    ? [chalk.cyan(`Undid what ${result.previousCleanup.id} changed in the cluster (its namespace is kept; \`npx lab exercise reset ${result.previousCleanup.id}\` deletes it):`), ...result.previousCleanup.cleanup.map((o) => `  ${mark(o.ok)} ${o.command}`), '']
    : [];
  const lines = [
    ...undone,
    chalk.bold(`${e.title}`) + chalk.dim(`  (${e.id}, namespace ${result.namespace})`),
    '',
    `${chalk.cyan('Goal:')} ${e.goal.trim()}`,
    '',
    `${chalk.cyan(`Background (flow step${e.background.flowSteps.length > 1 ? 's' : ''} ${e.background.flowSteps.join(', ')}: ${e.background.components.join(', ')}):`)}`,
    e.background.text.trim(),
    '',
    chalk.cyan('Before you begin:'),
    ...result.prerequisites.map((p) => `  ${p.met === undefined ? chalk.dim('·') : mark(p.met)} ${p.name}: ${p.wanted} — ${p.advice}`),
    `  ${chalk.dim('·')} trace: the checks read ${tracePath}`,
    `  ${chalk.dim('·')} kubectl: the steps' kubectl talks to the lab's cluster after \`export KUBECONFIG=$(npx lab kubeconfig)\` (or use \`npx lab kubectl -- ...\`)`,
    '',
    chalk.cyan('Steps:'),
  ];
  e.steps.forEach((step, i) => {
    lines.push(`  ${i + 1}. ${step.text.trim().replace(/\n/g, '\n     ')}`);
    if (step.run) lines.push(`     ${chalk.yellow('$')} ${withPlaceholders(step.run, result.namespace)}`);
    const doIt = `npx lab exercise do ${e.id} ${i + 1}`;
    if (step.action && step.run?.trim() !== doIt) lines.push(chalk.dim(`     (or let the lab do it: ${doIt})`));
  });
  lines.push('', chalk.dim(`Then: npx lab exercise check   ·   stuck? npx lab exercise hint`));
  return lines.join('\n');
}

export function renderCheck(report: CheckReport): string {
  const lines = report.results.map((r) => {
    const head = `${mark(r.pass)} ${r.title}${r.usesTrace ? chalk.dim(' [trace]') : ''}`;
    return r.pass ? head : `${head}\n    ${chalk.dim('expected:')} ${r.expected}\n    ${chalk.dim('saw:')}      ${r.saw}`;
  });
  const passed = report.results.filter((r) => r.pass).length;
  lines.push('', report.pass ? chalk.green(`All ${passed} checks pass: ${report.id} completed.`) : `${passed}/${report.results.length} checks pass.`);
  if (!report.traceAvailable) lines.push(chalk.yellow('No session trace found: trace checks cannot pass until one is recorded.'));
  return lines.join('\n');
}

function renderHint(result: HintResult): string {
  const n = result.hints.length;
  return `${chalk.cyan(`Hint ${n}/${result.total}:`)} ${result.hints[n - 1]}${n < result.total ? chalk.dim('\n(run again for the next one)') : ''}`;
}

function renderSolution(result: SolutionResult): string {
  const lines = [chalk.cyan(`Worked solution for ${result.id} (namespace ${result.namespace}):`)];
  result.actions.forEach((a, i) => lines.push(`  ${i + 1}. ${a.replace(/\n/g, '\n     ')}`));
  if (result.applied) {
    lines.push('', chalk.cyan('Applied:'));
    for (const o of result.applied) lines.push(`  ${mark(o.ok)} ${o.command.split('\n')[0]}${o.output ? chalk.dim(`\n      ${o.output.replace(/\n/g, '\n      ')}`) : ''}`);
    if (result.applied.length < result.actions.length) lines.push(chalk.red('  stopped at the first failure'));
    else lines.push('', chalk.dim('Now: npx lab exercise check'));
  } else {
    lines.push('', chalk.dim(`Let the lab run it: npx lab exercise solution ${result.id} --apply`));
  }
  return lines.join('\n');
}

function renderReset(result: ResetResult): string {
  const cleanup = result.cleanup.map((o) => `  ${mark(o.ok)} ${o.command}`);
  return [...cleanup, `${chalk.green('✓')} deleted namespace ${result.namespace} and the progress of ${result.id}`].join('\n');
}

function renderStep(result: StepResult): string {
  return `${mark(result.outcome.ok)} ${result.outcome.command}${result.outcome.output ? chalk.dim(`\n  ${result.outcome.output.replace(/\n/g, '\n  ')}`) : ''}`;
}

export function register(program: Command): void {
  const exercise = program
    .command('exercise')
    .description('guided exercises: do something to the cluster, then check what happened and how')
    .addHelpText('after', examples('npx lab exercise list', 'npx lab exercise start chain-of-events', 'npx lab exercise check', 'npx lab exercise hint'));

  exercise
    .command('list')
    .description('list the exercises and your progress')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab exercise list', 'npx lab exercise list --output json'))
    .action(printResult(() => createDefaultEngine().list(), renderList));

  exercise
    .command('start')
    .description('start an exercise: creates its namespace ex-<id> and shows the goal and the steps')
    .argument('<id>', 'exercise id or number (see `lab exercise list`)')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab exercise start chain-of-events', 'npx lab exercise start 3'))
    .action(async (id: string, opts: { output: OutputFormat }) => {
      const result = await createDefaultEngine().start(id);
      const tracePath = currentTracePath(stateDir());
      emit(opts.output, { ...result, tracePath }, (r) => renderStart(r, tracePath));
    });

  exercise
    .command('check')
    .description('check the exercise (default: the current one); exit code 1 while a check fails')
    .argument('[id]', 'exercise id (default: the one you started last)')
    .option('--wait <seconds>', 'keep checking every 2 s until every check passes or this time is up (the cluster may still be acting)', '0')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab exercise check', 'npx lab exercise check --wait 60', 'npx lab exercise check rolling-update --output json'))
    .action(async (id: string | undefined, opts: { wait: string; output: OutputFormat }) => {
      const waitSeconds = Number(opts.wait);
      if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new BadInputError(`--wait must be a number of seconds ≥ 0, not "${opts.wait}"`, 'e.g. --wait 60');
      const engine = createDefaultEngine();
      const deadline = Date.now() + waitSeconds * 1000;
      let report = await engine.check(id);
      while (!report.pass && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 2000));
        report = await engine.check(id);
      }
      emit(opts.output, report, renderCheck);
      if (!report.pass) process.exitCode = 1;
    });

  exercise
    .command('hint')
    .description('show the next hint')
    .argument('[id]', 'exercise id (default: the current one)')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab exercise hint'))
    .action(printResult((id?: string) => createDefaultEngine().hint(id), renderHint));

  exercise
    .command('solution')
    .description('show the worked solution; with --apply, the lab performs it')
    .argument('[id]', 'exercise id (default: the current one)')
    .option('--apply', 'run the solution against the cluster, step by step')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab exercise solution', 'npx lab exercise solution self-healing --apply'))
    .action(async (id: string | undefined, opts: { apply?: boolean; output: OutputFormat }) => {
      const result = await createDefaultEngine().solution(id, Boolean(opts.apply));
      emit(opts.output, result, renderSolution);
      const failed = result.applied?.find((o) => !o.ok);
      if (failed) throw new LabError('a solution action failed', 'read its output above; `npx lab exercise reset` starts over', failed.badInput ? ExitCode.BadInput : ExitCode.Failure);
    });

  exercise
    .command('do')
    .description("perform a step's action for you (steps that have one say so)")
    .argument('<id>', 'exercise id')
    .argument('<step>', 'step number')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab exercise do chain-of-events 1'))
    .action(async (id: string, step: string, opts: { output: OutputFormat }) => {
      const n = Number(step);
      if (!Number.isInteger(n) || n < 1) throw new BadInputError(`step must be a number from 1, not "${step}"`);
      const result = await createDefaultEngine().runStep(id, n);
      emit(opts.output, result, renderStep);
      if (!result.outcome.ok) process.exitCode = result.outcome.badInput ? ExitCode.BadInput : ExitCode.Failure;
    });

  exercise
    .command('reset')
    .description("start over: undo the exercise's node changes, delete its namespace, forget its progress")
    .argument('[id]', 'exercise id (default: the current one)')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab exercise reset', 'npx lab exercise reset unschedulable-pods'))
    .action(printResult((id?: string) => createDefaultEngine().reset(id), renderReset));
}

