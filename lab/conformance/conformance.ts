/**
 * `lab conformance`: upstream's own e2e specs against the lab's components. Builds e2e.test,
 * lists the selected specs (dry run), prepares the images they run, hands the controllers over,
 * runs the specs with progress, puts the controllers back whatever happens, and reads the report.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BadInputError, LabError } from '../base/errors.js';
import { seconds, type Progress } from '../base/progress.js';
import { clusterHealth } from '../cluster/health.js';
import { adminKubeconfigPath, stateDir } from '../cluster/paths.js';
import { classifyFailure, environmentCauses, type Classified, type EnvironmentCause } from './classify.js';
import { handOver, type Against } from './controllers.js';
import { ensureE2eBinary, type E2eBinary } from './e2e-binary.js';
import { junitXml } from './junit.js';
import { prepareStandIns, type PreparedImages } from './images.js';
import type { SpecResult } from './report.js';
import { estimateRemainingSeconds, listSpecs, runSpecs, type E2eRun } from './runner.js';
import { DEFAULT_SKIP, focusOnExactly, narrow, SETS, type SetName } from './sets.js';

export interface ConformanceOptions {
  sets: SetName[];
  against: Against;
  focus?: string;
  /** Run [Disruptive], [Serial], [Flaky] and [Slow] specs too. */
  noDefaultSkip: boolean;
  junit?: string;
  progress: Progress;
}

export interface ConformanceSpec {
  name: string;
  state: SpecResult['state'];
  durationMs: number;
  namespace?: string;
  failure?: { message: string; location?: string } & Classified;
  skipReason?: string;
  /** The command that shows what the lab did in the spec's namespace. */
  trace?: string;
}

export interface SetRun {
  set: SetName;
  against: Against;
  controllers: string;
  specs: ConformanceSpec[];
  counts: { run: number; passed: number; failed: number; skipped: number; realFailures: number; environmentFailures: number };
  environment: EnvironmentCause[];
  setupFailures: { node: string; message: string }[];
  wallMs: number;
  /** Where the e2e binary's whole output is. */
  log: string;
  junit?: string;
}

export interface ConformanceResult {
  e2eBinary: E2eBinary;
  images: PreparedImages;
  runs: SetRun[];
  wallMs: number;
}

/** Seconds per spec before the first one finished (the apps specs took ~10 s each here when they passed; a failing one waits 5 min). */
const PRIOR_SECONDS_PER_SPEC = 15;

/** Turns the parsed report into the lab's result for one set. Pure. */
export function summarize(set: SetName, against: Against, controllers: string, specs: readonly SpecResult[], traceFile: string | undefined): Omit<SetRun, 'wallMs' | 'log' | 'setupFailures' | 'junit'> {
  const out: ConformanceSpec[] = specs.map((s) => {
    const spec: ConformanceSpec = { name: s.name, state: s.state, durationMs: s.durationMs };
    if (s.namespace) {
      spec.namespace = s.namespace;
      if (traceFile) spec.trace = `npx lab trace export --input ${traceFile} --format text --namespace ${s.namespace}`;
    }
    if (s.failure) spec.failure = { ...s.failure, ...classifyFailure(s) };
    if (s.skipReason) spec.skipReason = s.skipReason;
    return spec;
  });
  const count = (p: (s: ConformanceSpec) => boolean) => out.filter(p).length;
  const environment = environmentCauses(out.map((s) => ({ name: s.name, ...(s.failure ? { classified: s.failure } : {}) })));
  return {
    set,
    against,
    controllers,
    specs: out,
    counts: {
      run: count((s) => s.state !== 'skipped'),
      passed: count((s) => s.state === 'passed'),
      failed: count((s) => s.state === 'failed'),
      skipped: count((s) => s.state === 'skipped'),
      realFailures: count((s) => s.failure?.kind === 'real'),
      environmentFailures: count((s) => s.failure?.kind === 'environment'),
    },
    environment,
  };
}

/** With two sets, each gets its own JUnit file: FILE for the first, FILE with -<set> before the extension for the others. */
export function junitPathFor(junit: string | undefined, set: SetName, sets: readonly SetName[]): string | undefined {
  if (!junit || sets[0] === set) return junit;
  const dot = junit.lastIndexOf('.');
  return dot > junit.lastIndexOf('/') ? `${junit.slice(0, dot)}-${set}${junit.slice(dot)}` : `${junit}-${set}`;
}

async function runSet(set: SetName, names: string[], binary: string, opts: ConformanceOptions): Promise<SetRun> {
  const { progress } = opts;
  const workDir = join(stateDir(), 'conformance', `${set}-${opts.against}`);
  const junit = junitPathFor(opts.junit, set, opts.sets);
  const run: E2eRun = { binary, kubeconfig: adminKubeconfigPath(), focus: focusOnExactly(names), skip: '', workDir };
  const logPath = join(workDir, 'e2e.log');
  const traceFile = opts.against === 'lab' ? join(workDir, 'trace.jsonl') : undefined;
  await mkdir(workDir, { recursive: true });
  const handed = await handOver(set, opts.against, progress, traceFile);
  const started = Date.now();
  const logFile = createWriteStream(logPath);
  // Ctrl-C stops the e2e binary and lets the finally below put the cluster back.
  const interrupt = new AbortController();
  const onSigint = () => interrupt.abort();
  process.once('SIGINT', onSigint);
  try {
    const report = await progress.step(`${names.length} ${set} spec(s) against ${handed.plan.describe}`, async (update) => {
      update(`about ${Math.ceil((names.length * PRIOR_SECONDS_PER_SPEC) / 60)} min; output in ${logPath}`);
      let done = 0;
      const tell = () => {
        const left = estimateRemainingSeconds(done, names.length, Date.now() - started, PRIOR_SECONDS_PER_SPEC);
        update(`${done}/${names.length} specs done after ${seconds(Date.now() - started)}, ~${Math.ceil(left / 60)} min left`);
      };
      // A spec that waits for its timeout (5 min) finishes nothing for a while: say so every 30 s.
      const ticker = setInterval(tell, 30_000);
      try {
        return await runSpecs(run, names, (n) => {
          done = n;
          tell();
        }, (chunk) => logFile.write(chunk), interrupt.signal);
      } finally {
        clearInterval(ticker);
      }
    });
    const usedTrace = handed.plan.kind.startsWith('start-') ? traceFile : undefined;
    const result: SetRun = {
      ...summarize(set, opts.against, handed.plan.describe, report.specs, usedTrace),
      setupFailures: report.setupFailures,
      wallMs: Date.now() - started,
      log: logPath,
      ...(junit ? { junit } : {}),
    };
    if (junit) {
      await mkdir(dirname(junit), { recursive: true });
      await writeFile(junit, junitXml([result]), 'utf8');
    }
    return result;
  } finally {
    process.off('SIGINT', onSigint);
    await new Promise((resolve) => logFile.end(resolve));
    await progress.step('putting the controllers back as they were', () => handed.restore());
  }
}

/** Why a selection is empty, and what selects something. */
export function noSpecs(set: SetName, inSet: number, focus: string | undefined, noDefaultSkip: boolean): BadInputError {
  if (focus && inSet > 0) return new BadInputError(`none of the ${inSet} ${set} specs matches --focus "${focus}"`, `see their names: npx lab conformance ${set} --list${noDefaultSkip ? ' --with-slow' : ''}`);
  if (!noDefaultSkip) return new BadInputError(`every ${set} spec is tagged [Serial], [Slow], [Disruptive] or [Flaky], which the sets leave out by default`, `add --with-slow to run them: npx lab conformance ${set} --with-slow --list`);
  return new BadInputError(`the e2e binary has no ${set} spec`, 'the set focus no longer matches upstream\'s spec names; lab/conformance/sets.ts defines it');
}

/** The specs each set would run (a dry run of the e2e binary: no cluster needed). */
/**
 * The specs each set would run (a dry run of the e2e binary: no cluster needed). With several
 * sets, one the selection leaves empty is left out; only when every set is empty is it an error.
 */
export async function listSelected(opts: Pick<ConformanceOptions, 'sets' | 'focus' | 'noDefaultSkip' | 'progress'>, binary: string): Promise<{ set: SetName; names: string[] }[]> {
  const selected: { set: SetName; names: string[] }[] = [];
  const empty: BadInputError[] = [];
  for (const set of opts.sets) {
    const all = await opts.progress.step(`listing the ${set} specs (dry run)`, () =>
      listSpecs({ binary, kubeconfig: adminKubeconfigPath(), focus: SETS[set].focus, skip: opts.noDefaultSkip ? '' : DEFAULT_SKIP, workDir: join(stateDir(), 'conformance', 'dry-run') }),
    );
    const names = narrow(all, opts.focus).sort();
    if (names.length > 0) selected.push({ set, names });
    else empty.push(noSpecs(set, all.length, opts.focus, opts.noDefaultSkip));
  }
  if (selected.length === 0) throw empty[0]!;
  for (const e of empty) opts.progress.info(`left out: ${e.message}`);
  return selected;
}

export async function runConformance(opts: ConformanceOptions): Promise<ConformanceResult> {
  const { progress } = opts;
  const started = Date.now();
  const health = await progress.step('checking the cluster', () => clusterHealth());
  if (!health.healthy) {
    throw new BadInputError(
      health.exists ? `the cluster is not healthy: ${health.problems.join('; ')}` : 'there is no cluster',
      'bring it up with `npx lab up` (`npx lab status` says what is wrong)',
    );
  }
  const e2eBinary = await ensureE2eBinary(progress);
  const selected = await listSelected(opts, e2eBinary.path);
  const images = await progress.step("the specs' images, without a registry", () => prepareStandIns(progress));
  const runs: SetRun[] = [];
  for (const { set, names } of selected) runs.push(await runSet(set, names, e2eBinary.path, opts));
  if (runs.some((r) => r.specs.length === 0 && r.setupFailures.length > 0)) {
    throw new LabError(`the e2e suite's setup failed: ${runs.flatMap((r) => r.setupFailures.map((f) => `${f.node}: ${f.message}`)).join('; ')}`);
  }
  return { e2eBinary, images, runs, wallMs: Date.now() - started };
}
