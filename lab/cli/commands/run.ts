import { Command, Option } from 'commander';
import { COMPONENTS, parseOnly } from '../../run/components.js';
import { armExitAfterStop } from '../../run/exit-after-stop.js';
import { runLab } from '../../run/run.js';

export function register(program: Command): void {
  program
    .command('run')
    .description("run the lab's Deployment controller, ReplicaSet controller and scheduler (each with its own least-privilege identity) until Ctrl-C")
    .addOption(new Option('--only <components>', `comma-separated subset of ${COMPONENTS.join(',')}`))
    .option('--scheduler-name <name>', 'spec.schedulerName the lab scheduler serves (default: lab-scheduler, or the config file\'s)')
    .option('--scheduler-config <file>', 'scheduler configuration (YAML/JSON): plugins enabled/disabled, weights, scoring strategy')
    .option('--scheduler <file>', 'your own scheduler plugins: a .ts file exporting `plugins` or `profile` (no build step)')
    .option('--force', 'start even if the built-in controllers are still on (they will fight over the same objects)')
    .option('--trace <file.jsonl>', 'record the chain of events to a JSONL trace while running')
    .addHelpText(
      'after',
      `
Each component talks to the API server as its own ServiceAccount (k8s-flow-lab/<component>, see
manifests/rbac) with User-Agent k8s-flow-lab/<component>, so the audit log shows who did what.
The built-in Deployment and ReplicaSet controllers must be off first: \`npx lab controllers builtin off\`.
Pods reach the lab scheduler only if they set spec.schedulerName (default lab-scheduler).

Examples:
  $ npx lab controllers builtin off && npx lab run
  $ npx lab run --only scheduler --scheduler examples/schedulers/zones.ts
  $ npx lab run --only deployment,replicaset --trace rollout.jsonl
  $ npx lab run --only scheduler --scheduler-config my-scheduler.yaml --scheduler-name bin-packer`,
    )
    .action(async (opts: { only?: string; schedulerName?: string; schedulerConfig?: string; scheduler?: string; force?: boolean; trace?: string }) => {
      try {
        await runLab({
          only: parseOnly(opts.only),
          schedulerName: opts.schedulerName,
          schedulerConfigPath: opts.schedulerConfig,
          schedulerPlugin: opts.scheduler,
          force: !!opts.force,
          trace: opts.trace,
        });
      } finally {
        // A plugin call abandoned after its timeout may still hold the event loop open.
        armExitAfterStop();
      }
    });
}
