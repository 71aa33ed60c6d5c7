import { Command } from 'commander';
import { MEASUREMENT_IDS, runBench, type MeasurementId } from '../../bench/bench.js';
import { renderResults } from '../../bench/results.js';
import { parseRuns } from '../../bench/workloads.js';
import { BadInputError } from '../../base/errors.js';
import { emit, outputOption } from '../output.js';
import { Progress } from '../../base/progress.js';

export function register(program: Command): void {
  program
    .command('bench')
    .description("measure the lab's controllers and scheduler against Kubernetes' own on the same cluster; reports lab / built-in ratios")
    .option('--runs <n>', 'rollouts per side for the medians', '3')
    .option('--timeout <seconds>', 'how long any one wait may take', '300')
    .option('--only <ids>', `comma-separated measurements to run (${MEASUREMENT_IDS.join(', ')}); default all`)
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Measures, built-in side first (built-in controllers on), then the lab side (off):
  rollout          3-replica Deployment → all pods Running, median of --runs per side
  rs-300-qps       300 pods for one ReplicaSet (schedulerName: nobody); the lab's ReplicaSet
                   controller behind a token bucket of qps 20 / burst 30, kube-controller-manager's
                   defaults (--kube-api-qps / --kube-api-burst)
  rs-300-free      the same, the lab unthrottled
  bind-rate        pods bound per second for 100 pending pods, lab-scheduler vs default-scheduler
  rss              memory with 2,000 pods in the caches
  trace-overhead   the lab's rollout traced (every tap) / untraced, in ABBA order, at least
                   6 pairs whatever --runs says; also to-bound time and machine CPU ratios
  trace-rate       trace entries per second during a traced 300-pod scale-up, and how many dropped
Ratios are lab / built-in; nothing is asserted. Results: <state>/bench/results.json.
The built-in controllers are put back as they were and the bench-* namespaces deleted.
Takes several minutes (two kube-controller-manager restarts of ~30 s, thousands of pods).

Examples:
  $ npm run bench
  $ npx lab bench --only rollout,bind-rate --runs 1
  $ npx lab bench --runs 5 --output json | jq '.measurements[] | {id, ratio}'`,
    )
    .action(async (opts: { runs: string; timeout: string; only?: string; output: 'text' | 'json' }) => {
      let runs: number;
      try {
        runs = parseRuns(opts.runs);
      } catch (err) {
        throw new BadInputError((err as Error).message);
      }
      const timeoutSeconds = Number(opts.timeout);
      if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) throw new BadInputError(`--timeout must be a positive whole number of seconds, not "${opts.timeout}"`);
      const only = opts.only === undefined ? undefined : parseOnly(opts.only);
      const results = await runBench({ runs, progress: new Progress(), timeoutSeconds, ...(only ? { only } : {}) });
      emit(opts.output, results, (r) => `${renderResults(r)}\n\nresults: ${r.file}`);
      if (anyFailed(results)) process.exitCode = 1;
    });
}

/** `--only rollout,bind-rate` → the set of measurement ids; an unknown id is bad input. */
export function parseOnly(text: string): Set<MeasurementId> {
  const ids = text.split(',').map((id) => id.trim()).filter((id) => id !== '');
  const unknown = ids.filter((id) => !(MEASUREMENT_IDS as readonly string[]).includes(id));
  if (ids.length === 0 || unknown.length > 0) {
    throw new BadInputError(
      ids.length === 0 ? '--only needs at least one measurement id' : `--only: unknown measurement ${unknown.map((u) => `"${u}"`).join(', ')}`,
      `choose among ${MEASUREMENT_IDS.join(', ')}, e.g. --only rollout,bind-rate`,
    );
  }
  return new Set(ids as MeasurementId[]);
}

/** Any measurement that failed on a side makes the run a failure (exit 1); the table still prints. */
function anyFailed(results: { measurements: Array<{ error?: string }> }): boolean {
  return results.measurements.some((m) => m.error !== undefined);
}
