/**
 * The JUnit file `--junit` writes: one testsuite per set run, one testcase per selected spec (the
 * e2e binary's own JUnit lists all ~7000 specs of the suite, the unselected as skipped). A failure
 * carries upstream's message and, for the environment's, the reason. Pure.
 */
import type { SetRun } from './conformance.js';

export function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all (control characters other than tab, LF, CR) are dropped.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '').replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const secs = (ms: number) => (ms / 1000).toFixed(3);

export function junitXml(runs: readonly Pick<SetRun, 'set' | 'against' | 'specs' | 'counts' | 'wallMs'>[]): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>'];
  for (const run of runs) {
    lines.push(
      `  <testsuite name="${escapeXml(`lab conformance ${run.set} against ${run.against}`)}" tests="${run.specs.length}" failures="${run.counts.failed}" skipped="${run.counts.skipped}" time="${secs(run.wallMs)}">`,
    );
    for (const spec of run.specs) {
      const open = `    <testcase name="${escapeXml(spec.name)}" classname="${escapeXml(`${run.set}.${run.against}`)}" time="${secs(spec.durationMs)}"`;
      if (spec.state === 'passed') {
        lines.push(`${open}/>`);
      } else if (spec.state === 'skipped') {
        lines.push(`${open}>`, `      <skipped message="${escapeXml(spec.skipReason ?? 'skipped')}"/>`, '    </testcase>');
      } else {
        const f = spec.failure;
        const type = f?.kind === 'environment' ? `environment: ${f.reason ?? ''}` : 'real';
        const body = [f?.message ?? '', f?.location ? `at ${f.location}` : '', spec.namespace ? `namespace ${spec.namespace}` : ''].filter(Boolean).join('\n');
        lines.push(`${open}>`, `      <failure type="${escapeXml(type)}" message="${escapeXml((f?.message ?? 'failed').split('\n')[0]!)}">${escapeXml(body)}</failure>`, '    </testcase>');
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}
