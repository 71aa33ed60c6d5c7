import { describe, expect, it } from 'vitest';
import { meanRollout } from '../../../lab/bench/bench.js';

describe('meanRollout (trace-overhead averages the rollouts of one run)', () => {
  it('averages the time to Running, to bound and the CPU', () => {
    expect(meanRollout([
      { ms: 1000, boundMs: 100, cpuSeconds: 1 },
      { ms: 2000, boundMs: 200, cpuSeconds: 2 },
      { ms: 3000, boundMs: 600, cpuSeconds: 6 },
    ])).toEqual({ ms: 2000, boundMs: 300, cpuSeconds: 3 });
  });

  it('leaves CPU out when any rollout could not read it (not a mean of fewer rollouts)', () => {
    const mean = meanRollout([{ ms: 1000, boundMs: 100, cpuSeconds: 1 }, { ms: 3000, boundMs: 300 }]);
    expect(mean).toEqual({ ms: 2000, boundMs: 200 });
    expect('cpuSeconds' in mean).toBe(false);
  });

  it('refuses an empty run', () => {
    expect(() => meanRollout([])).toThrow(RangeError);
  });
});
