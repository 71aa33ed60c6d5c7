/** The text `lab conformance` prints: per set a table of specs, then each failure, then the environment's causes once. Pure. */
import type { ConformanceResult, ConformanceSpec, SetRun } from './conformance.js';

const STATE_MARK: Record<ConformanceSpec['state'], string> = { passed: 'passed', failed: 'FAILED', skipped: 'skipped' };

function duration(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** Cuts a spec name to `width` characters, keeping its end (the It text) readable. */
export function fitName(name: string, width: number): string {
  if (name.length <= width) return name;
  return '…' + name.slice(name.length - width + 1);
}

/** At most `lines` lines of a failure message, saying how many were left out. */
export function firstLines(message: string, lines: number): string[] {
  const all = message.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  if (all.length <= lines) return all;
  return [...all.slice(0, lines), `… (${all.length - lines} more lines)`];
}

export function renderTable(specs: readonly ConformanceSpec[], width: number): string[] {
  const nameWidth = Math.max(30, width - 20);
  return specs.map((s) => `${fitName(s.name, nameWidth).padEnd(nameWidth)}  ${STATE_MARK[s.state].padEnd(7)} ${duration(s.durationMs).padStart(7)}`);
}

export function summaryLine(run: Pick<SetRun, 'set' | 'against' | 'counts' | 'wallMs'>): string {
  const c = run.counts;
  const failures = c.failed ? ` (${c.realFailures} real, ${c.environmentFailures} environment)` : '';
  return `${run.set} against ${run.against}: ${c.passed}/${c.run} passed, ${c.failed} failed${failures}, ${c.skipped} skipped, in ${duration(run.wallMs)}`;
}

export function renderSetRun(run: SetRun, width: number): string {
  const lines = [`${run.set}: ${run.controllers}`, ...renderTable(run.specs, width)];
  const real = run.specs.filter((s) => s.failure?.kind === 'real');
  if (real.length) lines.push('', 'failures:');
  for (const s of real) {
    lines.push(`• ${s.name}`);
    if (s.failure?.location) lines.push(`  at ${s.failure.location}`);
    lines.push(...firstLines(s.failure?.message ?? '', 8).map((l) => `  ${l}`));
    if (s.trace) lines.push(`  what the lab did: ${s.trace}`);
    else if (s.namespace) lines.push(`  namespace: ${s.namespace}`);
  }
  if (run.environment.length) lines.push('', 'failed because of the environment, not the component (listed once):');
  for (const cause of run.environment) lines.push(`• ${cause.reason}: ${cause.specs.length} spec(s)`, ...cause.specs.map((n) => `    ${n}`));
  for (const f of run.setupFailures) lines.push('', `the suite's ${f.node} failed: ${firstLines(f.message, 3).join(' ')}`);
  lines.push('', summaryLine(run), `e2e output: ${run.log}${run.junit ? `   JUnit: ${run.junit}` : ''}`);
  return lines.join('\n');
}

export function renderConformance(result: ConformanceResult, width = 120): string {
  const binary = `e2e.test ${result.e2eBinary.cached ? 'cached' : `built in ${duration(result.e2eBinary.buildMs)}`}: ${result.e2eBinary.path}`;
  return [binary, ...result.runs.map((r) => renderSetRun(r, width))].join('\n\n');
}
