import { describe, expect, it } from 'vitest';
import { parseOnly as parseOnlyAmong } from '../../../lab/bench/runner.js';
import { MEASUREMENT_IDS, ONLY_EXAMPLE } from '../../../lab/bench/measurements/index.js';
import { BadInputError } from '../../../lab/base/errors.js';

const parseOnly = (text: string) => parseOnlyAmong(text, MEASUREMENT_IDS, ONLY_EXAMPLE);

describe('lab bench --only', () => {
  it('takes a comma-separated list of measurement ids, spaces and empty items ignored', () => {
    expect([...parseOnly('rollout, bind-rate,,')]).toEqual(['rollout', 'bind-rate']);
  });

  it.each([
    ['rolout', /unknown measurement "rolout"/],
    ['', /needs at least one/],
    ['rollout,rss,nope', /unknown measurement "nope"/],
  ])('%j is bad input that names the valid ids', (text, message) => {
    let error: unknown;
    try {
      parseOnly(text);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as Error).message).toMatch(message);
    expect((error as BadInputError).fix).toContain('trace-overhead');
  });
});
