import { describe, expect, it } from 'vitest';
import { KCM_DEFAULT_LIMITS, throttledClient, TokenBucket, type Clock } from '../../../lab/base/token-bucket.js';

/** A clock that only moves when told to, or when someone sleeps. */
function fakeClock(): Clock & { t: number; sleeps: number[] } {
  const clock = {
    t: 0,
    sleeps: [] as number[],
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

describe('TokenBucket', () => {
  it('lets a full burst through without waiting, then spaces requests at 1/qps', () => {
    const bucket = new TokenBucket(20, 30, fakeClock());
    const waits = Array.from({ length: 33 }, () => bucket.reserve());
    expect(waits.slice(0, 30).every((w) => w === 0)).toBe(true);
    expect(waits[30]).toBeCloseTo(50, 6);
    expect(waits[31]).toBeCloseTo(100, 6);
    expect(waits[32]).toBeCloseTo(150, 6);
  });

  it('refills at qps tokens per second, never above burst', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(10, 2, clock);
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBeCloseTo(100, 6);
    clock.t += 10_000; // long idle: bucket refills to burst (2), not 100
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBeGreaterThan(0);
  });

  it('300 requests at kube-controller-manager limits take (300 - burst) / qps seconds', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(KCM_DEFAULT_LIMITS.qps, KCM_DEFAULT_LIMITS.burst, clock);
    for (let i = 0; i < 300; i++) await bucket.take();
    expect(clock.t).toBeCloseTo(((300 - 30) / 20) * 1000, 3);
    expect(bucket.throttled).toBe(270);
  });

  it.each([
    [0, 1],
    [-1, 1],
    [5, 0],
  ])('rejects qps=%d burst=%d', (qps, burst) => expect(() => new TokenBucket(qps, burst, fakeClock())).toThrow(RangeError));
});

describe('throttledClient', () => {
  it('takes a token before every method call and passes arguments and results through', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(1, 1, clock);
    const calls: unknown[] = [];
    const api = {
      async createNamespacedPod(params: { namespace: string }) {
        calls.push(params);
        return { ok: params.namespace };
      },
      label: 'not a method',
    };
    const throttled = throttledClient(api, bucket);
    expect(await throttled.createNamespacedPod({ namespace: 'a' })).toEqual({ ok: 'a' });
    expect(await throttled.createNamespacedPod({ namespace: 'b' })).toEqual({ ok: 'b' });
    expect(calls).toEqual([{ namespace: 'a' }, { namespace: 'b' }]);
    expect(clock.sleeps).toEqual([1000]);
    expect(throttled.label).toBe('not a method');
  });
});
