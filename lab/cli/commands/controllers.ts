import { Command } from 'commander';
import chalk from 'chalk';
import { readBuiltinControllers, setBuiltinControllers, type BuiltinControllersState } from '../../cluster/builtin-controllers.js';
import { putRightAfterCrashes } from '../../cluster/undo-journal.js';
import { BadInputError } from '../../base/errors.js';
import { emit, outputOption, printResult, type OutputFormat } from '../output.js';
import { examples } from '../help.js';
import { Progress } from '../../base/progress.js';


const onOff = (on: boolean) => (on ? chalk.yellow('on') : chalk.green('off'));

/** Who reconciles Deployments and ReplicaSets right now, in one line each. */
export function describeBuiltin(state: BuiltinControllersState): string {
  const next =
    state.deploymentController || state.replicasetController
      ? 'the built-in controllers are running: turn them off before `npx lab run` with `npx lab controllers builtin off`'
      : 'the built-in controllers are off: start the lab\'s with `npx lab run`';
  return [
    `built-in deployment controller: ${onOff(state.deploymentController)}`,
    `built-in replicaset controller: ${onOff(state.replicasetController)}`,
    `kube-controller-manager --controllers=${state.controllersFlag}`,
    next,
  ].join('\n');
}

export function parseOnOff(value: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new BadInputError(`expected "on" or "off", not "${value}"`, 'run `npx lab controllers builtin off` or `npx lab controllers builtin on`');
}

export function register(program: Command): void {
  const controllers = program
    .command('controllers')
    .description("switch kube-controller-manager's own Deployment and ReplicaSet controllers off (so the lab's run) or back on")
    .addHelpText('after', examples('npx lab controllers status', 'npx lab controllers builtin off', 'npx lab controllers builtin on --output json'));

  controllers
    .command('builtin')
    .description('turn the built-in deployment and replicaset controllers on or off (restarts kube-controller-manager)')
    .argument('<on|off>', 'on: Kubernetes reconciles Deployments itself; off: only `npx lab run` does')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Rewrites kube-controller-manager's --controllers flag in its static pod manifest and waits until the
restarted manager holds its leader lease. Other built-in controllers (namespace, garbage collector ...)
keep running.

Examples:
  $ npx lab controllers builtin off   # before npx lab run
  $ npx lab controllers builtin on    # back to stock Kubernetes`,
    )
    .exitOverride()
    .action(async (value: string, opts: { output: OutputFormat }) => {
      const enabled = parseOnOff(value);
      const progress = new Progress(opts.output === 'json');
      // A bench or compare that died mid-run left namespaces (and a state this command now overrides).
      await putRightAfterCrashes(progress, { builtinControllers: 'being set' });
      const result = await setBuiltinControllers(enabled, progress);
      emit(opts.output, result, (r) => `${describeBuiltin(r)}\nleader: ${r.leaseHolder}`);
    });

  controllers
    .command('status')
    .description('are the built-in deployment and replicaset controllers on?')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab controllers status', 'npx lab controllers status --output json'))
    .exitOverride()
    .action(printResult(readBuiltinControllers, describeBuiltin));
}
