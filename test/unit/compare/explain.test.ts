import { describe, expect, it } from 'vitest';
import { explain, type ExplainInput } from '../../../lab/compare/explain.js';

function input(over: Partial<ExplainInput> = {}): ExplainInput {
  return {
    endStateDiff: [],
    hashes: { builtin: ['7d9c8'], lab: ['7d9c8'] },
    actions: { builtin: [], lab: [] },
    requests: { builtin: {}, lab: {} },
    hops: { builtin: [], lab: [] },
    ...over,
  };
}

describe('explain', () => {
  it('says when end states match', () => {
    expect(explain(input())[0]).toMatch(/^End states match/);
  });

  it('lists end-state differences and hints at condition reasons', () => {
    const lines = explain(input({ endStateDiff: [{ path: 'deployments[0].conditions[1]', builtin: '"a"', lab: '"b"' }] }));
    expect(lines[0]).toBe('End state differs at deployments[0].conditions[1]: built-in "a", lab "b".');
    expect(lines[1]).toMatch(/NewReplicaSetAvailable/);
  });

  it('explains differing pod-template-hash values and says the templates still match', () => {
    const lines = explain(input({ hashes: { builtin: ['5d8f7c'], lab: ['a1b2c3'] } }));
    expect(lines.some((l) => /pod-template-hash values differ.*spew.*templates themselves still match/.test(l))).toBe(true);
  });

  it('does not claim the templates match when labels differ', () => {
    const lines = explain(input({ hashes: { builtin: ['x'], lab: ['y'] }, endStateDiff: [{ path: 'podLabels[0]', builtin: '"app=web"', lab: '"app=api"' }] }));
    expect(lines.find((l) => l.includes('pod-template-hash'))).toMatch(/other labels differ too/);
  });

  it('names write counts that differ and why Events and status writes may', () => {
    const a = (role: 'replicaset controller' | 'deployment controller', action: string, count: number) => ({ role, action, count, firstMs: 0 });
    const lines = explain(
      input({
        actions: {
          builtin: [a('replicaset controller', 'create Event', 3), a('deployment controller', 'update Deployment/status', 4)],
          lab: [a('deployment controller', 'update Deployment/status', 2)],
        },
      }),
    );
    expect(lines).toContain('deployment controller: update Deployment/status: built-in 4, lab 2 — status writes depend on how often each controller\'s sync sees a change (informer timing); more writes cost API calls, not correctness.');
    expect(lines.some((l) => l.startsWith('replicaset controller: create Event: built-in 3, lab 0 — Events are informational'))).toBe(true);
  });

  it('says when both sides wrote the same things in the same order', () => {
    const seq = [{ role: 'kubectl' as const, action: 'create Deployment', count: 1, firstMs: 0 }];
    expect(explain(input({ actions: { builtin: seq, lab: seq } }))).toContain('Both sides made the same writes in the same order.');
  });

  it('compares request totals and explains extra list/watch calls by the lab', () => {
    const lines = explain(input({ requests: { builtin: { 'replicaset controller': { create: 3 } }, lab: { 'replicaset controller': { create: 3, list: 2, watch: 2 } } } }));
    expect(lines).toContain('API requests: built-in 3, lab 7.');
    expect(lines.some((l) => l.startsWith('The lab made 4 more list/watch requests'))).toBe(true);
  });

  it('explains latency differences above the noise floor only', () => {
    const hop = (h: 'pod-create → binding' | 'rs-write → pod-create', p50: number) => ({ hop: h, samples: 3, p50, p95: p50 });
    const lines = explain(
      input({
        hops: { builtin: [hop('pod-create → binding', 20), hop('rs-write → pod-create', 10)], lab: [hop('pod-create → binding', 320), hop('rs-write → pod-create', 30)] },
      }),
    );
    const latency = lines.filter((l) => l.includes('p50'));
    expect(latency).toEqual(['pod-create → binding: p50 20 ms built-in vs 320 ms lab — the lab is slower by 300 ms (scheduler queueing and bind: lab-scheduler vs default-scheduler).']);
  });
});
