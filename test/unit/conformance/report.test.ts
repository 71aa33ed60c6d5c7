import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fullText, namespaceIn, parseGinkgoReport, ReportFormatError, stateOf } from '../../../lab/conformance/report.js';
import { REPO_ROOT } from '../../../lab/cluster/paths.js';

const fixture = (name: string) => readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'conformance', name), 'utf8');

describe('stateOf', () => {
  it("maps every Ginkgo state to the lab's three", () => {
    expect(stateOf('passed')).toBe('passed');
    for (const s of ['failed', 'panicked', 'timedout', 'interrupted', 'aborted']) expect(stateOf(s)).toBe('failed');
    for (const s of ['skipped', 'pending']) expect(stateOf(s)).toBe('skipped');
    expect(() => stateOf('INVALID SPEC STATE')).toThrow(ReportFormatError);
  });
});

describe('fullText', () => {
  it('joins containers and the It with spaces, as Ginkgo does', () => {
    expect(fullText({ ContainerHierarchyTexts: ['[sig-apps] Deployment'], LeafNodeText: 'deployment should support rollover' })).toBe('[sig-apps] Deployment deployment should support rollover');
    expect(fullText({ ContainerHierarchyTexts: null, LeafNodeText: 'x' })).toBe('x');
    expect(fullText({ ContainerHierarchyTexts: ['a', 'b'], LeafNodeText: '' })).toBe('a b');
  });
});

describe('namespaceIn', () => {
  it("finds the namespace the framework built for the spec in its steps", () => {
    expect(namespaceIn('Building a namespace api object, basename deployment\nWaiting for a default service account to be provisioned in namespace\nDestroying namespace "deployment-927" for this suite.')).toBe('deployment-927');
    expect(namespaceIn('dump namespace information after failure\nCollecting events from namespace "deployment-999".')).toBe('deployment-999');
    expect(namespaceIn('Created namespace: replicaset-55')).toBe('replicaset-55');
  });
  it('says nothing when the steps name none', () => {
    expect(namespaceIn('Building a namespace api object, basename deployment\nWaiting for kube-root-ca.crt to be provisioned in namespace')).toBeUndefined();
    expect(namespaceIn('')).toBeUndefined();
  });
});

describe('parseGinkgoReport on a recorded dry run of the apps set', () => {
  const report = parseGinkgoReport(fixture('apps-dry-run.json'));
  it('leaves the suite-level nodes out of the specs', () => {
    expect(report.specs.some((s) => s.name === '' || s.name === 'Kubernetes e2e suite report')).toBe(false);
    expect(report.setupFailures).toEqual([]);
    expect(report.suiteSucceeded).toBe(true);
  });
  it('reads the 20 selected specs as passed (a dry run passes what it would run) and the rest as skipped', () => {
    const passed = report.specs.filter((s) => s.state === 'passed');
    expect(passed).toHaveLength(20);
    expect(passed.every((s) => /^\[sig-apps\] (Deployment|ReplicaSet) /.test(s.name))).toBe(true);
    expect(passed.map((s) => s.name)).toContain('[sig-apps] Deployment deployment should support rollover [Conformance]');
    expect(report.specs.filter((s) => s.state === 'skipped')).toHaveLength(3);
  });
  it('keeps only the specs `belongs` accepts', () => {
    const only = parseGinkgoReport(fixture('apps-dry-run.json'), (n) => n.includes('rollover'));
    expect(only.specs.map((s) => s.name)).toEqual(['[sig-apps] Deployment deployment should support rollover [Conformance]']);
  });
  it('converts durations from nanoseconds', () => {
    expect(report.runTimeMs).toBe(1094);
  });
});

describe('parseGinkgoReport on a recorded run of the apps set against the lab', () => {
  const apps = (n: string) => /^\[sig-apps\] (Deployment|ReplicaSet) /.test(n);
  const report = parseGinkgoReport(fixture('apps-lab-run.json'), apps);
  const named = (part: string) => report.specs.find((s) => s.name.includes(part))!;
  it('reads 20 specs: 15 passed, 3 failed, 2 skipped; the suite failed', () => {
    expect(report.specs).toHaveLength(20);
    expect(report.specs.filter((s) => s.state === 'passed')).toHaveLength(15);
    expect(report.specs.filter((s) => s.state === 'failed').map((s) => s.name).sort()).toEqual([
      '[sig-apps] Deployment RollingUpdateDeployment should delete old pods and create new ones [Conformance]',
      '[sig-apps] Deployment deployment should support rollover [Conformance]',
      '[sig-apps] Deployment test Deployment ReplicaSet orphaning and adoption regarding controllerRef',
    ]);
    expect(report.suiteSucceeded).toBe(false);
    expect(report.setupFailures).toEqual([]);
  });
  it("a failure has upstream's message, the spec line, and the namespace for the trace", () => {
    const rollover = named('should support rollover');
    expect(rollover.failure?.message).toMatch(/^error waiting for deployment "test-rollover-deployment" to have at least 1 updatedReplicas/);
    expect(rollover.failure?.location).toBe('test/e2e/apps/deployment.go:956');
    expect(rollover.namespace).toMatch(/^deployment-\d+$/);
    expect(rollover.durationMs).toBeGreaterThan(300_000);
    expect(named('orphaning and adoption').namespace).toBe('deployment-999');
  });
  it('a passed spec has its namespace and duration too', () => {
    const scaling = named('proportional scaling');
    expect(scaling.state).toBe('passed');
    expect(scaling.namespace).toBe('deployment-927');
    expect(scaling.durationMs).toBeGreaterThan(1000);
  });
  it("the provider-only specs are skipped with e2eskipper's reason", () => {
    expect(named('cloud load-balancer').skipReason).toBe('Only supported for providers [aws azure gce] (not local)');
    expect(named('private image').skipReason).toBe('Only supported for providers [gce] (not local)');
  });
  it('the unselected specs of the suite are left out', () => {
    expect(parseGinkgoReport(fixture('apps-lab-run.json')).specs).toHaveLength(22);
  });
});

describe('parseGinkgoReport on crafted reports', () => {
  const spec = (over: Record<string, unknown>) => ({ ContainerHierarchyTexts: ['[sig-apps] Deployment'], LeafNodeType: 'It', LeafNodeText: 'x', State: 'passed', RunTime: 2_500_000_000, ...over });
  const report = (specs: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify([{ SuiteSucceeded: false, RunTime: 1e9, SpecReports: specs, ...extra }]);

  it("a failed spec carries upstream's message, its location in the module, and its namespace", () => {
    const r = parseGinkgoReport(report([spec({
      State: 'failed',
      Failure: { Message: 'error waiting for deployment "test-rollover-deployment" status\n  to match expectation', Location: { FileName: '/root/go/pkg/mod/k8s.io/kubernetes@v1.34.4/test/e2e/apps/deployment.go', LineNumber: 776 } },
      SpecEvents: [{ Message: 'Creating a kubernetes client' }, { Message: 'Destroying namespace "deployment-42" for this suite.' }],
    })]));
    expect(r.specs[0]).toMatchObject({
      state: 'failed',
      durationMs: 2500,
      namespace: 'deployment-42',
      failure: { message: 'error waiting for deployment "test-rollover-deployment" status\n  to match expectation', location: 'test/e2e/apps/deployment.go:776' },
    });
  });
  it('a panic counts as a failure and keeps the forwarded panic', () => {
    const r = parseGinkgoReport(report([spec({ State: 'panicked', Failure: { Message: 'Test Panicked', ForwardedPanic: 'nil pointer' } })]));
    expect(r.specs[0]).toMatchObject({ state: 'failed', ginkgoState: 'panicked', failure: { message: 'Test Panicked\nnil pointer' } });
  });
  it("a skipped spec keeps e2eskipper's reason (first line)", () => {
    const r = parseGinkgoReport(report([spec({ State: 'skipped', Failure: { Message: 'Only supported for providers [gce gke] (not local)\nmore' } })]));
    expect(r.specs[0]).toMatchObject({ state: 'skipped', skipReason: 'Only supported for providers [gce gke] (not local)' });
  });
  it('a failed BeforeSuite is a setup failure, not a spec', () => {
    const r = parseGinkgoReport(report([spec({ LeafNodeType: 'SynchronizedBeforeSuite', LeafNodeText: '', State: 'failed', Failure: { Message: 'nodes not ready' } }), spec({ State: 'skipped' })]));
    expect(r.setupFailures).toEqual([{ node: 'SynchronizedBeforeSuite', message: 'nodes not ready' }]);
    expect(r.specs).toHaveLength(1);
    expect(r.suiteSucceeded).toBe(false);
  });
  it('null SpecReports is an empty suite', () => {
    expect(parseGinkgoReport(report([], { SpecReports: null })).specs).toEqual([]);
  });
  it('refuses what is not a Ginkgo report', () => {
    expect(() => parseGinkgoReport('not json')).toThrow(/not JSON/);
    expect(() => parseGinkgoReport('[]')).toThrow(ReportFormatError);
    expect(() => parseGinkgoReport('{"SpecReports": []}')).toThrow(ReportFormatError);
    expect(() => parseGinkgoReport('[{"Foo": 1}]')).toThrow(/no SpecReports/);
    expect(() => parseGinkgoReport(report([spec({ State: 'weird' })]))).toThrow(/unknown Ginkgo spec state "weird"/);
  });
});
