import { Command, Option } from 'commander';
import { listSelected, runConformance } from '../../conformance/conformance.js';
import type { Against } from '../../conformance/controllers.js';
import { ensureE2eBinary } from '../../conformance/e2e-binary.js';
import { renderConformance } from '../../conformance/render.js';
import { checkFocus, parseSetArgument, SET_NAMES } from '../../conformance/sets.js';
import { BadInputError } from '../../base/errors.js';
import { emit, outputOption, type OutputFormat } from '../output.js';
import { Progress } from '../../base/progress.js';

function parseAgainst(value: string): Against {
  if (value === 'lab' || value === 'builtin') return value;
  throw new BadInputError(`--against must be "lab" or "builtin", not "${value}"`);
}

interface Options { focus?: string; against: Against; output: OutputFormat; junit?: string; withSlow?: boolean; list?: boolean }

export function register(program: Command): void {
  program
    .command('conformance')
    .description("run upstream Kubernetes' own Ginkgo e2e specs (test/e2e) against the lab's controllers, or against the built-ins for reference")
    .argument('[set]', `${SET_NAMES.join(', ')}`, 'apps')
    .option('--focus <regex>', 'only the specs of the set whose full name this regular expression also matches (with all: a set it leaves empty is left out)')
    .addOption(new Option('--against <who>', "lab: the lab's controllers, built-ins off; builtin: kube-controller-manager's, the reference run").default('lab').argParser(parseAgainst))
    .option('--junit <file>', "also write Ginkgo's JUnit report here")
    .option('--with-slow', 'also run the [Slow], [Serial], [Disruptive] and [Flaky] specs the sets leave out')
    .option('--list', 'list the specs the set and --focus select, and run nothing (no cluster needed)')
    .addOption(outputOption())
    .addHelpText(
      'after',
      `
Builds upstream's e2e.test (k8s.io/kubernetes test/e2e at the cluster's version, with \`go test -c\`;
cached by its inputs like the node image's Go programs: ~15-18 min cold on 2 cores, ~20 s relinked, instant when unchanged).
apps runs the [sig-apps] Deployment and ReplicaSet specs. Against the lab it uses a lab process
that already runs both controllers, or turns the built-ins off (~30 s) and starts the lab's own,
traced; afterwards it stops what it started and switches the built-ins back as they were, whatever
happens. Each spec makes its own namespace. The specs' images come without a registry: agnhost is
the lab's workload image, pause the node image's, and httpd a stand-in made from agnhost. Failures
caused by the environment (an image no registry can give, no cloud provider) are listed once with
the reason. Exit code 0 even when specs fail (the result says how many); 2 for bad input or no cluster.
scheduling stops kube-scheduler (its static pod manifest parked) and runs lab-scheduler as
default-scheduler, then starts kube-scheduler again, whatever happens (Ctrl-C included); its specs
are all [Serial], so it needs --with-slow.

Examples:
  $ npx lab conformance apps                       # 20 specs, ~4 min against the lab's controllers (measured)
  $ npx lab conformance apps --against builtin     # the reference run
  $ npx lab conformance apps --focus 'rollover|proportional' --junit /tmp/junit.xml
  $ npx lab conformance apps --list
  $ npx lab conformance scheduling --with-slow --focus 'NodeSelector|taints'
  $ npx lab conformance apps --output json | jq '.runs[0].counts'`,
    )
    .action(async (setArg: string, opts: Options) => {
      const sets = parseSetArgument(setArg);
      const focus = opts.focus === undefined ? undefined : checkFocus('--focus', opts.focus);
      const progress = new Progress();
      if (opts.list) {
        const binary = await ensureE2eBinary(progress);
        const selected = await listSelected({ sets, progress, noDefaultSkip: !!opts.withSlow, ...(focus ? { focus } : {}) }, binary.path);
        emit(opts.output, selected, (s) => s.map(({ set, names }) => [`${set}: ${names.length} spec(s)`, ...names.map((n) => `  ${n}`)].join('\n')).join('\n'));
        return;
      }
      const result = await runConformance({ sets, against: opts.against, progress, noDefaultSkip: !!opts.withSlow, ...(focus ? { focus } : {}), ...(opts.junit ? { junit: opts.junit } : {}) });
      emit(opts.output, result, (r) => renderConformance(r, process.stdout.columns || 120));
    });
}
