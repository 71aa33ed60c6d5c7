import { Command } from 'commander';
import { runComparison } from '../../compare/compare.js';
import { renderComparison } from '../../compare/report.js';
import { scenarioNamed, SCENARIO_NAMES } from '../../compare/scenarios.js';
import { BadInputError } from '../../base/errors.js';
import { emit, outputOption } from '../output.js';
import { Progress } from '../../base/progress.js';

export function register(program: Command): void {
  program
    .command('compare')
    .description("run a scenario with Kubernetes' built-in controllers, then with the lab's, and show the differences side by side")
    .argument('<scenario>', `one of ${SCENARIO_NAMES.join(', ')}`)
    .option('--timeout <seconds>', 'how long each wait (rollout, pods Running or gone) may take', '180')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Runs the scenario twice on the same cluster, in namespaces cmp-builtin-<scenario> and
cmp-lab-<scenario>: first with kube-controller-manager's Deployment/ReplicaSet controllers and
default-scheduler, then with them off and the lab's controllers + lab-scheduler in this process.
Each run is traced. Compares end states, the writes each side made, hop latencies (p50/p95) and
API requests, and explains the differences. Sequence diagrams (mermaid + html) are written to
<state>/compare/<scenario>/. The built-in controllers are put back as they were and the
namespaces deleted, even on failure. Switching the built-in controllers takes ~30 s each way.

Scenarios:
  create          3-replica Deployment, wait for the rollout
  scale           2 replicas → 5 → 1
  rolling-update  change an env var, wait for the new ReplicaSet to take over
  rollback        roll out a change, then kubectl rollout undo
  cordon          cordon the node of one pod, delete the pod: the replacement lands elsewhere
  delete          kubectl delete deployment, wait until its pods are gone (the garbage collector's work)

Examples:
  $ npx lab compare create
  $ npx lab compare rolling-update --output json > rolling-update.json`,
    )
    .action(async (name: string, opts: { timeout: string; output: 'text' | 'json' }) => {
      const scenario = scenarioNamed(name);
      const timeoutSeconds = Number(opts.timeout);
      if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) throw new BadInputError(`--timeout must be a positive whole number of seconds, not "${opts.timeout}"`);
      const comparison = await runComparison(scenario, { progress: new Progress(), timeoutSeconds });
      emit(opts.output, comparison, renderComparison);
    });
}
