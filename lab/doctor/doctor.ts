/** Runs the checks in order and sums them up: exit code 1 when any failed, 0 otherwise. */
import chalk from 'chalk';
import { CHECKS, type Check, type CheckOutcome } from './checks.js';
import { createContext } from './context.js';
import type { DoctorProbes, DoctorSettings } from './types.js';

export interface DoctorReport {
  /** Every check in order: a result, or why it was skipped. */
  checks: CheckOutcome[];
  failed: number;
  warnings: number;
}

export async function runDoctor(probes: DoctorProbes, settings: DoctorSettings, checks: readonly Check[] = CHECKS): Promise<DoctorReport> {
  const ctx = createContext(probes, settings);
  const report: DoctorReport = { checks: [], failed: 0, warnings: 0 };
  for (const check of checks) {
    let outcome: CheckOutcome;
    try {
      outcome = await check.run(ctx);
    } catch (error) {
      // A probe that blew up is a failed check, not a crashed doctor. A lab error (a bad setting,
      // say) carries its own fix; anything else is a bug to report.
      const fix = (error as { fix?: unknown }).fix;
      outcome = { name: check.name, ok: false, detail: (error as Error).message, fix: typeof fix === 'string' && fix ? fix : 'run with LAB_DEBUG=1 and report it' };
    }
    report.checks.push(outcome);
    if ('skipped' in outcome) continue;
    if (outcome.ok === false) report.failed++;
    if (outcome.ok === 'warn') report.warnings++;
  }
  return report;
}

export function doctorExitCode(report: DoctorReport): 0 | 1 {
  return report.failed > 0 ? 1 : 0;
}

/** The report for people: ✓ / ! / ✗ per check, the fix under each problem. */
export function formatReport(report: DoctorReport, c = chalk): string {
  const lines: string[] = [];
  for (const r of report.checks) {
    if ('skipped' in r) {
      lines.push(c.dim(`- ${r.name}: skipped (${r.skipped})`));
      continue;
    }
    const mark = r.ok === true ? c.green('✓') : r.ok === 'warn' ? c.yellow('!') : c.red('✗');
    lines.push(`${mark} ${r.name}: ${r.ok === true ? c.dim(r.detail) : r.detail}`);
    if (r.ok !== true && r.fix) lines.push(`    ${c.yellow('fix:')} ${r.fix}`);
  }
  const summary =
    report.failed > 0
      ? c.red(`${report.failed} check${report.failed === 1 ? '' : 's'} failed`)
      : c.green('everything the lab needs is in place');
  lines.push('', report.warnings > 0 ? `${summary}, ${c.yellow(`${report.warnings} warning${report.warnings === 1 ? '' : 's'}`)}` : summary);
  return lines.join('\n');
}
