import { describe, expect, it } from 'vitest';
import { pollUntil } from '../../../lab/base/poll.js';

describe('pollUntil', () => {
  it('asks again until the probe answers with a value, and returns it', async () => {
    const answers = [undefined, false, 0, 'ready'];
    let asked = 0;
    const value = await pollUntil(async () => answers[asked++], { timeoutMs: 5000, intervalMs: 1, timedOut: () => new Error('late') });
    expect(value).toBe(0); // 0 is a value: only undefined and false mean "not yet"
    expect(asked).toBe(3);
  });

  it('once the time is up, throws the caller\'s error, made after the last probe', async () => {
    let seen = 0;
    const started = Date.now();
    await expect(pollUntil(async () => (seen++, undefined), { timeoutMs: 30, intervalMs: 5, timedOut: () => new Error(`still nothing after ${seen} probes`) })).rejects.toThrow(
      /^still nothing after \d+ probes$/,
    );
    expect(seen).toBeGreaterThan(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
  });

  it('a probe that throws ends the poll with its error', async () => {
    await expect(pollUntil(async () => Promise.reject(new Error('kubectl failed')), { timeoutMs: 5000, timedOut: () => new Error('late') })).rejects.toThrow('kubectl failed');
  });
});
