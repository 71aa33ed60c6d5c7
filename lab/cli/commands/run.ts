import { Command, InvalidArgumentError, Option } from 'commander';
import { ensureClusterReachable } from '../../cluster/kind.js';
import { clientsFor } from '../../../controllers/shared/kube.js';
import { stopLabProcesses } from '../../run/stop.js';
import type { StopOutcome } from '../../base/stop-processes.js';
import { emit, outputOption } from '../output.js';
import { COMPONENTS, parseOnly } from '../../run/components.js';
import { armExitAfterStop } from '../../run/exit-after-stop.js';
import { runLab } from '../../run/run.js';
import { BadInputError } from '../../base/errors.js';
import type { ClientLimits } from '../../base/token-bucket.js';

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
    .option('--kube-api-qps <qps>', "limit each component's API requests to this many a second on average, as client-go does (kube-controller-manager: 20, kube-scheduler: 50; default: no limit)", parseQps)
    .option('--kube-api-burst <n>', 'with --kube-api-qps: how many requests may go at once (kube-controller-manager: 30, kube-scheduler: 100)', parseBurst)
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
  $ npx lab run --only scheduler --scheduler-config my-scheduler.yaml --scheduler-name bin-packer
  $ npx lab run --kube-api-qps 20 --kube-api-burst 30     # kube-controller-manager's client limits`,
    )
    .action(async (opts: { only?: string; schedulerName?: string; schedulerConfig?: string; scheduler?: string; force?: boolean; trace?: string; kubeApiQps?: number; kubeApiBurst?: number }) => {
      try {
        await runLab({
          clientLimits: clientLimitsOf(opts.kubeApiQps, opts.kubeApiBurst),
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

  program
    .command('stop')
    .description('stop every lab process on this machine that runs against the cluster (lab run, and the labs demo/compare/bench start)')
    .option('--grace <seconds>', 'how long to wait after SIGTERM before SIGKILL', parseGrace, 20)
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Finds the lab processes by their presence records in the cluster (what \`npx lab status\` lists),
so it also stops a lab left behind by \`npx lab run &\` + \`kill %1\` (that kills only npm's wrapper).
SIGTERM lets each release its leases, so a standby takes over at once.

Examples:
  $ npx lab stop
  $ npx lab stop --grace 5 --output json`,
    )
    .action(async (opts: { grace: number; output: 'text' | 'json' }) => {
      const adminKc = await ensureClusterReachable();
      const result = await stopLabProcesses(clientsFor(adminKc, 'k8s-flow-lab/stop').coordination, opts.grace * 1000);
      emit(opts.output, result, (r) =>
        [
          ...(r.stopped.length === 0 ? ['no lab process is running on this machine'] : []),
          ...r.stopped.map((p) => `pid ${p.pid} (${p.command}): ${stopOutcomeText(p)}`),
          ...r.elsewhere.map((p) => `pid ${p.pid} on ${p.host} (${p.command}) runs on another machine: stop it there`),
        ].join('\n'),
      );
      if (result.stopped.some((p) => p.stoppedBy === 'still running')) process.exitCode = 1;
    });
}

function stopOutcomeText(p: StopOutcome): string {
  switch (p.stoppedBy) {
    case 'already gone':
      return 'had already stopped';
    case 'still running':
      return 'still running after SIGKILL';
    default:
      return `stopped by ${p.stoppedBy} after ${(p.waitedMs / 1000).toFixed(1)} s`;
  }
}

function parseQps(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('give a number of requests a second above 0, such as 20');
  return n;
}

function parseBurst(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('give a whole number of requests, 1 or more, such as 30');
  return n;
}

/** Both limits or neither: client-go has no rule to derive one from the other. */
function clientLimitsOf(qps: number | undefined, burst: number | undefined): ClientLimits | undefined {
  if (qps === undefined && burst === undefined) return undefined;
  if (qps === undefined || burst === undefined) {
    throw new BadInputError(`--kube-api-${qps === undefined ? 'burst' : 'qps'} was given without --kube-api-${qps === undefined ? 'qps' : 'burst'}`, 'give both, e.g. --kube-api-qps 20 --kube-api-burst 30 (kube-controller-manager\'s defaults)');
  }
  return { qps, burst };
}

function parseGrace(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 600) throw new InvalidArgumentError('give a number of seconds between 0 and 600');
  return n;
}
