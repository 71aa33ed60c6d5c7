import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lab/cluster/paths.js';
import { parseGinkgoReport } from '../../../lab/conformance/report.js';
import { classifyFailure, environmentCauses, unpulledImages } from '../../../lab/conformance/classify.js';

const httpd = 'registry.k8s.io/e2e-test-images/httpd:2.4.38-4';

describe('unpulledImages', () => {
  it('reads the kubelet events the framework dumps', () => {
    const log = `Dec  2 20:30:01.000: INFO: At 2026-12-02 20:29:40 +0000 UTC - event for webserver-abc: {kubelet lab-worker} Failed: Failed to pull image "${httpd}": failed to resolve reference
Dec  2 20:30:01.000: INFO: At ... - event for webserver-abc: {kubelet lab-worker} BackOff: Back-off pulling image "${httpd}"`;
    expect(unpulledImages(log)).toEqual([httpd]);
  });
  it('reads pod statuses and "pull access denied"', () => {
    expect(unpulledImages('waiting: {Reason:ErrImagePull Message:rpc error: failed to pull image "nginx:1.14"}')).toEqual(['nginx:1.14']);
    expect(unpulledImages('pull access denied for docker.io/library/busybox, repository does not exist')).toEqual(['docker.io/library/busybox']);
  });
  it('leaves out the images specs make fail on purpose', () => {
    const log = 'Failed to pull image "gcr.io/google_samples/gb-redisslave:nonexistent"\nBack-off pulling image "webserver:404"\nFailed to pull image "invalid.registry.k8s.io/invalid/alpine:3.1"';
    expect(unpulledImages(log)).toEqual([]);
  });
  it('lists each image once, sorted', () => {
    expect(unpulledImages(`Failed to pull image "b:1"\nFailed to pull image "a:1"\nBack-off pulling image "b:1"`)).toEqual(['a:1', 'b:1']);
  });
});

describe('classifyFailure', () => {
  it('an image no registry gives is the environment', () => {
    const c = classifyFailure({ failure: { message: 'timed out waiting for pods to be running' }, log: `Failed to pull image "${httpd}"` });
    expect(c.kind).toBe('environment');
    expect(c.reason).toContain(httpd);
    expect(c.reason).toMatch(/^no registry/);
  });
  it('a missing cloud provider is the environment', () => {
    expect(classifyFailure({ failure: { message: 'Only supported for providers [gce gke aws] (not local)' }, log: '' })).toEqual({ kind: 'environment', reason: 'no cloud provider: the spec needs one (kind has none)' });
  });
  it('anything else is a real difference', () => {
    expect(classifyFailure({ failure: { message: 'expected revision 3546343826724305833, got 3546343826724306000' }, log: 'Creating deployment' })).toEqual({ kind: 'real' });
    expect(classifyFailure({ failure: { message: 'deployment status: availableReplicas 2, want 3' }, log: 'Back-off pulling image "webserver:404"' })).toEqual({ kind: 'real' });
  });
});

describe('environmentCauses', () => {
  it('groups the specs by cause, once each, and ignores real failures', () => {
    const causes = environmentCauses([
      { name: 'a', classified: { kind: 'environment', reason: 'no registry: x' } },
      { name: 'b', classified: { kind: 'real' } },
      { name: 'c', classified: { kind: 'environment', reason: 'no registry: x' } },
      { name: 'd', classified: { kind: 'environment', reason: 'no cloud provider' } },
      { name: 'e' },
    ]);
    expect(causes).toEqual([
      { reason: 'no registry: x', specs: ['a', 'c'] },
      { reason: 'no cloud provider', specs: ['d'] },
    ]);
  });
});

describe('classifyFailure on a recorded run', () => {
  it("the three failures of the recorded lab run are the lab's, not the environment's (every image was there)", () => {
    const report = parseGinkgoReport(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'conformance', 'apps-lab-run.json'), 'utf8'));
    const failed = report.specs.filter((s) => s.state === 'failed');
    expect(failed).toHaveLength(3);
    for (const s of failed) expect(classifyFailure(s)).toEqual({ kind: 'real' });
  });
});
