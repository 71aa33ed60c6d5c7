import { describe, expect, it } from 'vitest';
import { e2eArgs, estimateRemainingSeconds, finishedIn } from '../../../lab/conformance/runner.js';

const run = { binary: '/c/e2e.test', kubeconfig: '/s/kubeconfig', focus: '^(a)$', skip: '\\[Slow\\]', workDir: '/s/conformance/apps-lab' };

describe('e2eArgs', () => {
  it('points the binary at the cluster with a provider that needs no cloud', () => {
    const args = e2eArgs(run, '/s/r.json', false);
    expect(args).toContain('--kubeconfig=/s/kubeconfig');
    expect(args).toContain('--provider=local');
    expect(args).toContain('--ginkgo.focus=^(a)$');
    expect(args).toContain('--ginkgo.skip=\\[Slow\\]');
    expect(args).toContain('--ginkgo.json-report=/s/r.json');
    expect(args).not.toContain('--ginkgo.dry-run');
  });
  it('a dry run says so', () => {
    expect(e2eArgs(run, '/s/d.json', true)).toContain('--ginkgo.dry-run');
  });
  it('an empty skip passes no --ginkgo.skip', () => {
    expect(e2eArgs({ ...run, skip: '' }, '/r', false).some((a) => a.startsWith('--ginkgo.skip'))).toBe(false);
  });
});

describe('finishedIn', () => {
  it('counts one spec per bullet, not the skipped S marks', () => {
    expect(finishedIn('SSSSSSSS•SSSS')).toBe(1);
    expect(finishedIn('•\n------------------------------\n• [FAILED] [31.2 seconds]\n')).toBe(2);
    expect(finishedIn('SSSSSSSSSSSSS')).toBe(0);
    expect(finishedIn('')).toBe(0);
  });
});

describe('estimateRemainingSeconds', () => {
  it('uses the prior until a spec finished', () => {
    expect(estimateRemainingSeconds(0, 10, 5_000, 30)).toBe(300);
  });
  it('then the mean so far', () => {
    expect(estimateRemainingSeconds(2, 10, 40_000, 30)).toBe(160);
    expect(estimateRemainingSeconds(10, 10, 400_000, 30)).toBe(0);
    expect(estimateRemainingSeconds(12, 10, 400_000, 30)).toBe(0);
  });
});
