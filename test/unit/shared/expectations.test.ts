import { describe, expect, it } from 'vitest';
import {
  ControllerExpectations,
  UIDTrackingControllerExpectations,
} from '../../../controllers/shared/expectations.js';

function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('ControllerExpectations', () => {
  it('is satisfied when nothing was recorded', () => {
    expect(new ControllerExpectations().satisfiedExpectations('ns/rs')).toBe(true);
  });

  it.each<[string, number, (e: ControllerExpectations, key: string, n: number) => void, (e: ControllerExpectations, key: string) => void]>([
    ['creation', 3, (e, key, n) => e.expectCreations(key, n), (e, key) => e.creationObserved(key)],
    ['deletion', 2, (e, key, n) => e.expectDeletions(key, n), (e, key) => e.deletionObserved(key)],
  ])('waits for every expected %s to be observed', (_what, count, expectSome, observeOne) => {
    const e = new ControllerExpectations(fakeClock().now);
    expectSome(e, 'ns/rs', count);
    for (let seen = 1; seen < count; seen++) {
      observeOne(e, 'ns/rs');
      expect(e.satisfiedExpectations('ns/rs')).toBe(false);
    }
    observeOne(e, 'ns/rs');
    expect(e.satisfiedExpectations('ns/rs')).toBe(true);
  });

  it('lowerExpectations subtracts creates that will never happen', () => {
    const e = new ControllerExpectations(fakeClock().now);
    e.expectCreations('k', 7);
    e.lowerExpectations('k', 4, 0);
    expect(e.get('k')).toMatchObject({ add: 3, del: 0 });
    e.creationObserved('k');
    e.creationObserved('k');
    e.creationObserved('k');
    expect(e.satisfiedExpectations('k')).toBe(true);
  });

  it('observations for an unknown key do not create a record', () => {
    const e = new ControllerExpectations();
    e.creationObserved('k');
    e.deletionObserved('k');
    expect(e.get('k')).toBeUndefined();
  });

  it('expires after the TTL (5 minutes by default)', () => {
    const clock = fakeClock();
    const e = new ControllerExpectations(clock.now);
    e.expectCreations('k', 1);
    clock.advance(5 * 60 * 1000);
    expect(e.satisfiedExpectations('k')).toBe(false);
    clock.advance(1);
    expect(e.satisfiedExpectations('k')).toBe(true);
  });

  it('honours a custom TTL and refreshes the timestamp when expectations are set again', () => {
    const clock = fakeClock();
    const e = new ControllerExpectations(clock.now, 1000);
    e.expectCreations('k', 1);
    clock.advance(900);
    e.expectCreations('k', 1);
    clock.advance(900);
    expect(e.satisfiedExpectations('k')).toBe(false);
    expect(e.get('k')?.timestamp).toBe(1_000_900);
  });

  it('deleteExpectations forgets the key', () => {
    const e = new ControllerExpectations();
    e.expectCreations('k', 2);
    e.deleteExpectations('k');
    expect(e.get('k')).toBeUndefined();
    expect(e.satisfiedExpectations('k')).toBe(true);
  });

  it('get returns a copy', () => {
    const e = new ControllerExpectations();
    e.expectCreations('k', 2);
    e.get('k')!.add = 0;
    expect(e.get('k')?.add).toBe(2);
  });
});

describe('UIDTrackingControllerExpectations', () => {
  it('counts each expected pod deletion once, ignores unexpected pods', () => {
    const e = new UIDTrackingControllerExpectations();
    e.expectDeletionsOf('rs', ['ns/a', 'ns/b']);
    e.deletionObservedOf('rs', 'ns/a');
    e.deletionObservedOf('rs', 'ns/a');
    e.deletionObservedOf('rs', 'ns/zzz');
    expect(e.get('rs')?.del).toBe(1);
    expect(e.satisfiedExpectations('rs')).toBe(false);
    e.deletionObservedOf('rs', 'ns/b');
    expect(e.satisfiedExpectations('rs')).toBe(true);
  });
});
