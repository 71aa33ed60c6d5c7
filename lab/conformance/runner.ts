/**
 * Running upstream's e2e.test: a dry run to list the specs a focus selects (Ginkgo reports those
 * it would run as passed, the rest as skipped), then the real run, with progress counted from
 * Ginkgo's own output: it prints "•" when a spec finishes (and "S" for every spec it skips).
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { LabError } from '../base/errors.js';
import { parseGinkgoReport, type SuiteResult } from './report.js';

export interface E2eRun {
  binary: string;
  kubeconfig: string;
  focus: string;
  skip: string;
  /** Directory for the JSON report; the binary runs in it. */
  workDir: string;
}

/** The e2e binary's flags: the cluster, a provider that needs no cloud, Ginkgo's selection and reports. */
export function e2eArgs(run: E2eRun, jsonReport: string, dryRun: boolean): string[] {
  return [
    `--kubeconfig=${run.kubeconfig}`,
    '--provider=local',
    `--ginkgo.focus=${run.focus}`,
    ...(run.skip ? [`--ginkgo.skip=${run.skip}`] : []),
    `--ginkgo.json-report=${jsonReport}`,
    '--ginkgo.no-color',
    '--ginkgo.timeout=4h',
    ...(dryRun ? ['--ginkgo.dry-run'] : []),
  ];
}

/** How many specs finished in this piece of Ginkgo's output (one "•" each). */
export function finishedIn(chunk: string): number {
  return (chunk.match(/•/g) ?? []).length;
}

/** Seconds left: the mean so far over what is done, or `priorSecondsPerSpec` before the first spec finished. */
export function estimateRemainingSeconds(done: number, total: number, elapsedMs: number, priorSecondsPerSpec: number): number {
  const left = Math.max(0, total - done);
  const perSpec = done > 0 ? elapsedMs / 1000 / done : priorSecondsPerSpec;
  return Math.round(left * perSpec);
}

function readReport(path: string, belongs?: (name: string) => boolean): SuiteResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new LabError(`the e2e binary wrote no report at ${path}`, 'its output above says why');
  }
  return parseGinkgoReport(text, belongs);
}

/** The full texts of the specs a focus and skip select, without touching the cluster. */
export async function listSpecs(run: E2eRun): Promise<string[]> {
  mkdirSync(run.workDir, { recursive: true });
  const report = join(run.workDir, 'dry-run.json');
  rmSync(report, { force: true });
  const result = await execa(run.binary, e2eArgs(run, report, true), { reject: false, all: true });
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    throw new LabError(`the e2e binary's dry run failed (exit ${result.exitCode}): ${String(result.all).slice(-2000)}`);
  }
  return readReport(report).specs.filter((s) => s.state === 'passed').map((s) => s.name);
}

/**
 * The real run. The binary exits 1 when a spec fails: that is a result, not an error; no report
 * at all is one.
 */
export async function runSpecs(run: E2eRun, names: readonly string[], onFinished: (done: number) => void, log: (chunk: string) => void, signal?: AbortSignal): Promise<SuiteResult> {
  const report = join(run.workDir, 'report.json');
  rmSync(report, { force: true });
  const child = execa(run.binary, e2eArgs(run, report, false), { reject: false, all: true, cwd: run.workDir, ...(signal ? { cancelSignal: signal } : {}) });
  const total = names.length;
  let done = 0;
  child.all?.setEncoding('utf8');
  child.all?.on('data', (chunk: string) => {
    log(chunk);
    const n = finishedIn(chunk);
    if (n > 0) {
      done = Math.min(total, done + n);
      onFinished(done);
    }
  });
  const result = await child;
  if (result.isCanceled) throw new LabError('interrupted: the e2e binary was stopped before it finished');
  if (result.exitCode !== 0 && result.exitCode !== 1) {
    throw new LabError(`the e2e binary stopped with exit code ${result.exitCode}${result.signal ? ` (${result.signal})` : ''}`, `its output is in ${join(run.workDir, 'e2e.log')}`);
  }
  const selected = new Set(names);
  return readReport(report, (name) => selected.has(name));
}
