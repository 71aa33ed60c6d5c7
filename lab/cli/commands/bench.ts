import { Command } from 'commander';
import { runBench } from '../../bench/bench.js';
import { MEASUREMENT_IDS, MEASUREMENTS, ONLY_EXAMPLE } from '../../bench/measurements/index.js';
import { parseOnly } from '../../bench/runner.js';
import { renderResults } from '../../bench/results.js';
import { parseRuns } from '../../bench/workloads.js';
import { parseNodeCounts, SCALE_NODES } from '../../bench/scheduler-scale.js';
import { BadInputError } from '../../base/errors.js';
import { emit, outputOption } from '../output.js';
import { Progress } from '../../base/progress.js';

export function register(program: Command): void {
  program
    .command('bench')
    .description("measure the lab's controllers and scheduler against Kubernetes' own on the same cluster; reports lab / built-in ratios")
    .option('--runs <n>', 'rollouts per side for the medians', '3')
    .option('--timeout <seconds>', 'how long any one wait may take', '300')
    .option('--nodes <counts>', `sched-scale's simulated node counts, comma-separated`, SCALE_NODES.join(','))
    .option('--only <ids>', `comma-separated measurements to run (${MEASUREMENT_IDS.join(', ')}); default all`)
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Measures, built-in side first (built-in controllers on), then the lab side (off):
${measuresHelp()}
Ratios are lab / built-in; nothing is asserted. Results: <state>/bench/results.json.
The built-in controllers are put back as they were and the bench-* namespaces deleted.
Takes several minutes (two kube-controller-manager restarts of ~30 s, thousands of pods).

Examples:
  $ npm run bench
  $ npx lab bench --only ${ONLY_EXAMPLE} --runs 1
  $ npx lab bench --only sched-scale --nodes 10,100
  $ npx lab bench --runs 5 --output json | jq '.measurements[] | {id, ratio}'`,
    )
    .action(async (opts: { runs: string; timeout: string; nodes: string; only?: string; output: 'text' | 'json' }) => {
      let runs: number;
      let nodeCounts: number[];
      try {
        runs = parseRuns(opts.runs);
        nodeCounts = parseNodeCounts(opts.nodes);
      } catch (err) {
        throw new BadInputError((err as Error).message);
      }
      const timeoutSeconds = Number(opts.timeout);
      if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) throw new BadInputError(`--timeout must be a positive whole number of seconds, not "${opts.timeout}"`);
      const only = opts.only === undefined ? undefined : parseOnly(opts.only, MEASUREMENT_IDS, ONLY_EXAMPLE);
      const results = await runBench({ runs, nodeCounts, progress: new Progress(), timeoutSeconds, ...(only ? { only } : {}) });
      emit(opts.output, results, (r) => `${renderResults(r)}\n\nresults: ${r.file}`);
      if (anyFailed(results)) process.exitCode = 1;
    });
}

/** Each measurement's help lines from its descriptor: the id, then what it measures, aligned. */
function measuresHelp(): string {
  return MEASUREMENTS.flatMap((m) => m.measures.map((line, i) => `  ${(i === 0 ? m.id : '').padEnd(17)}${line}`)).join('\n');
}

/** Any measurement that failed on a side makes the run a failure (exit 1); the table still prints. */
function anyFailed(results: { measurements: Array<{ error?: string }> }): boolean {
  return results.measurements.some((m) => m.error !== undefined);
}
