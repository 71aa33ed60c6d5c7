import { Command } from 'commander';
import { runDemo } from '../../demo/demo.js';
import { BadInputError } from '../../base/errors.js';
import { emit, outputOption } from '../output.js';
import { Progress, seconds } from '../../base/progress.js';

function positiveInt(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new BadInputError(`${flag} must be a whole number from 1 to ${max}, not "${value}"`);
  return n;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function register(program: Command): void {
  program
    .command('demo')
    .description('from nothing to the live chain of events: cluster, the lab\'s controllers and scheduler, a Deployment, its pods Running, an HTML report')
    .option('--replicas <n>', 'replicas of the Deployment', '3')
    .option('--namespace <name>', 'namespace to create the Deployment in', 'demo')
    .option('--keep-running', "keep the lab's controllers running after the report until Ctrl-C")
    .option('--timeout <seconds>', 'how long the pods may take to be Running', '180')
    .option('--recreate', 'delete the cluster first and create it anew')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Probes registry-1.docker.io and registry.k8s.io (3 s): where they answer it uses kind's own node
image and the nodes pull agnhost (online: only Docker is needed); where they do not, on a fresh
Debian/Ubuntu machine (as root) it installs what it needs (Debian packages, Go, a running dockerd)
and builds the offline images, saying what and why, with an estimate; elsewhere it says exactly
what to run. LAB_IMAGE_MODE=online|offline skips the probe. Brings the cluster up if it is not healthy (a broken one
is created anew), turns the built-in Deployment/ReplicaSet controllers
off (~30 s), runs the lab's three components traced, creates Deployment web (agnhost netexec,
spec.schedulerName lab-scheduler) and streams every step live (on stderr) until the pods are
Running. Writes <state>/demo/report.html (and report.mmd, trace.jsonl). The cluster is left as the
demo made it: built-in controllers off, the namespace and its pods in place.

Examples:
  $ npx lab demo
  $ npx lab demo --replicas 5 --namespace demo2 --keep-running
  $ npx lab demo --output json | jq .firstPodRunningMs`,
    )
    .action(async (opts: { replicas: string; namespace: string; keepRunning?: boolean; timeout: string; recreate?: boolean; output: 'text' | 'json' }) => {
      const replicas = positiveInt('--replicas', opts.replicas, 50);
      const timeoutSeconds = positiveInt('--timeout', opts.timeout, 3600);
      if (!DNS_LABEL.test(opts.namespace)) throw new BadInputError(`--namespace "${opts.namespace}" is not a valid namespace name`, 'use lower-case letters, digits and "-" (at most 63)');
      const result = await runDemo({ progress: new Progress(), replicas, namespace: opts.namespace, keepRunning: !!opts.keepRunning, timeoutSeconds, recreate: !!opts.recreate });
      emit(opts.output, result, (r) =>
        [
          `${r.replicas} pods of deployment/${r.deployment} Running in namespace ${r.namespace} (${seconds(r.allRunningMs)} after the Deployment was created)`,
          r.firstPodRunningMs !== undefined ? `time from start to the first pod Running: ${seconds(r.firstPodRunningMs)}` : 'the trace did not see the first pod become Running',
          `report: ${r.report.html}`,
          `mermaid: ${r.report.mermaid}   trace (${r.traceEntries} entries): ${r.report.jsonl}`,
          'left as the demo made it:',
          ...r.leftBehind.map((l) => `  - ${l}`),
        ].join('\n'),
      );
    });
}
