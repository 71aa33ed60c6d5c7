import { describe, expect, it } from 'vitest';
import { escapeXml, junitXml } from '../../../lab/conformance/junit.js';

const run = {
  set: 'apps' as const,
  against: 'lab' as const,
  wallMs: 90_500,
  counts: { run: 3, passed: 1, failed: 2, skipped: 1, realFailures: 1, environmentFailures: 1 },
  specs: [
    { name: '[sig-apps] Deployment deployment should support rollover [Conformance]', state: 'passed' as const, durationMs: 21_400 },
    { name: 'real <one>', state: 'failed' as const, durationMs: 5000, namespace: 'deployment-9', failure: { message: 'expected 3\ngot "2" & more', location: 'test/e2e/apps/deployment.go:1', kind: 'real' as const } },
    { name: 'env', state: 'failed' as const, durationMs: 300_000, failure: { message: 'timed out', kind: 'environment' as const, reason: 'no registry: x' } },
    { name: 'skip', state: 'skipped' as const, durationMs: 0, skipReason: 'Only supported for providers [gce]' },
  ],
};

describe('escapeXml', () => {
  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('a\u0000b\u001bc\td\ne')).toBe('abc\td\ne');
  });
});

describe('junitXml', () => {
  const xml = junitXml([run]);
  it('one testsuite per set with the counts and wall time', () => {
    expect(xml).toContain('<testsuite name="lab conformance apps against lab" tests="4" failures="2" skipped="1" time="90.500">');
    expect(xml.match(/<testcase /g)).toHaveLength(4);
  });
  it('a passed spec is an empty testcase with its time', () => {
    expect(xml).toContain('<testcase name="[sig-apps] Deployment deployment should support rollover [Conformance]" classname="apps.lab" time="21.400"/>');
  });
  it("a failure carries upstream's message (escaped), where, the namespace, and real or the environment's reason", () => {
    expect(xml).toContain('<failure type="real" message="expected 3">expected 3\ngot &quot;2&quot; &amp; more\nat test/e2e/apps/deployment.go:1\nnamespace deployment-9</failure>');
    expect(xml).toContain('<failure type="environment: no registry: x" message="timed out">timed out</failure>');
    expect(xml).toContain('name="real &lt;one&gt;"');
  });
  it('a skipped spec says why', () => {
    expect(xml).toContain('<skipped message="Only supported for providers [gce]"/>');
  });
  it('is well formed: every testcase and suite closes', () => {
    const opened = (xml.match(/<testcase [^>]*[^/]>/g) ?? []).length;
    expect((xml.match(/<\/testcase>/g) ?? []).length).toBe(opened);
    expect(xml.trim().endsWith('</testsuites>')).toBe(true);
  });
});
