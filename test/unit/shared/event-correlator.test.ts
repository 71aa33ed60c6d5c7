import { describe, expect, it } from 'vitest';
import {
  AGGREGATE_MESSAGE_PREFIX,
  DEFAULT_AGGREGATE_INTERVAL_SECONDS,
  DEFAULT_AGGREGATE_MAX_EVENTS,
  DEFAULT_CACHE_SIZE,
  DEFAULT_SPAM_BURST,
  DEFAULT_SPAM_QPS,
  EventCorrelator,
  LruCache,
  TokenBucket,
  aggregateKeys,
  aggregateMessage,
  spamKey,
  type CorrelationResult,
  type CorrelatorInput,
  type InvolvedObjectRef,
} from '../../../controllers/shared/event-correlator.js';

const START = Date.parse('2025-01-01T00:00:00Z');

function objectRef(kind: string, name: string, namespace: string): InvolvedObjectRef {
  return { kind, name, namespace, uid: 'C934D34AFB20242', apiVersion: 'version', fieldPath: 'spec.containers{mycontainer}' };
}

let names = 0;
function makeEvent(reason: string, message: string, involvedObject: InvolvedObjectRef, type = 'Normal'): CorrelatorInput {
  return {
    name: `${involvedObject.name}.${(names++).toString(16)}`,
    source: { component: 'kubelet', host: 'kublet.node1' },
    involvedObject,
    type,
    reason,
    message,
  };
}

const repeat = (n: number, e: CorrelatorInput) => Array.from({ length: n }, () => e);
const uniqueEvents = (n: number) =>
  Array.from({ length: n }, (_, i) => makeEvent(`reason-${i}`, `message-${i}`, objectRef('Pod', `pod-${i}`, `ns-${i}`)));
/** Same event with message `${prefix}-${i}-${message}`, as in client-go's makeSimilarEvents. */
const similarEvents = (n: number, e: CorrelatorInput, prefix: string) =>
  Array.from({ length: n }, (_, i) => ({ ...e, message: `${prefix}-${i}-${e.message}` }));

/** Plays events through a fresh correlator, one every intervalSeconds; returns every result. */
function play(events: CorrelatorInput[], intervalSeconds: number, correlator = new EventCorrelator()): CorrelationResult[] {
  let t = START;
  return events.map((e) => {
    t += intervalSeconds * 1000;
    return correlator.correlate(e, new Date(t));
  });
}

function written(result: CorrelationResult | undefined) {
  if (!result || result.skip) throw new Error('expected an event to write, got a skip');
  return result;
}

describe('constants (client-go tools/record/events_cache.go)', () => {
  it('match upstream', () => {
    expect(DEFAULT_CACHE_SIZE).toBe(4096);
    expect(DEFAULT_AGGREGATE_MAX_EVENTS).toBe(10);
    expect(DEFAULT_AGGREGATE_INTERVAL_SECONDS).toBe(600);
    expect(DEFAULT_SPAM_BURST).toBe(25);
    expect(DEFAULT_SPAM_QPS).toBeCloseTo(1 / 300, 9);
    expect(AGGREGATE_MESSAGE_PREFIX).toBe('(combined from similar events): ');
    expect(aggregateMessage('it was fun')).toBe('(combined from similar events): it was fun');
  });
});

describe('keys', () => {
  // TestEventAggregatorByReasonFunc
  it('aggregates events that differ only by message', () => {
    const e1 = makeEvent('end-of-world', 'it was fun', objectRef('Pod', 'pod1', 'other'));
    const e2 = makeEvent('end-of-world', 'it was awful', objectRef('Pod', 'pod1', 'other'));
    const e3 = makeEvent('nevermind', 'it was a bug', objectRef('Pod', 'pod1', 'other'));
    expect(aggregateKeys(e1).aggregateKey).toBe(aggregateKeys(e2).aggregateKey);
    expect(aggregateKeys(e1).localKey).not.toBe(aggregateKeys(e2).localKey);
    expect(aggregateKeys(e1).aggregateKey).not.toBe(aggregateKeys(e3).aggregateKey);
  });

  it('aggregate key ignores fieldPath but includes reporting controller and instance', () => {
    const e = makeEvent('r', 'm', objectRef('Pod', 'p', 'ns'));
    expect(aggregateKeys({ ...e, involvedObject: { ...e.involvedObject, fieldPath: 'x' } }).aggregateKey).toBe(aggregateKeys(e).aggregateKey);
    expect(aggregateKeys({ ...e, reportingController: 'c' }).aggregateKey).not.toBe(aggregateKeys(e).aggregateKey);
    expect(aggregateKeys({ ...e, reportingInstance: 'i' }).aggregateKey).not.toBe(aggregateKeys(e).aggregateKey);
  });

  it('spam key is source + involved object + type, not reason or message', () => {
    const e = makeEvent('r', 'm', objectRef('Pod', 'p', 'ns'));
    expect(spamKey({ ...e, reason: 'other', message: 'other' })).toBe(spamKey(e));
    expect(spamKey({ ...e, involvedObject: { ...e.involvedObject, fieldPath: 'x' } })).toBe(spamKey(e));
    expect(spamKey({ ...e, type: 'Warning' })).not.toBe(spamKey(e));
    expect(spamKey({ ...e, involvedObject: { ...e.involvedObject, uid: 'other' } })).not.toBe(spamKey(e));
    expect(spamKey({ ...e, source: { component: 'kubelet', host: 'other' } })).not.toBe(spamKey(e));
  });
});

describe('EventCorrelator (scenarios of client-go TestEventCorrelator)', () => {
  const firstEvent = makeEvent('first', 'i am first', objectRef('Pod', 'my-pod', 'my-ns'));
  const duplicateEvent = makeEvent('duplicate', 'me again', objectRef('Pod', 'my-pod', 'my-ns'));
  const uniqueEvent = makeEvent('unique', 'snowflake', objectRef('Pod', 'my-pod', 'my-ns'));
  const similarEvent = makeEvent('similar', 'similar message', { ...objectRef('Pod', 'my-pod', 'my-ns'), fieldPath: 'spec.containers{container1}' });
  const similarButDifferentContainerEvent = { ...similarEvent, involvedObject: { ...similarEvent.involvedObject, fieldPath: 'spec.containers{container2}' } };

  // client-go's SimpleIntervalClock ticks on every clock read (twice per event); here the clock
  // moves once per event, so the "longer than the aggregate interval" case uses 601 s.
  const scenarios: Array<{
    name: string;
    previous: CorrelatorInput[];
    next: CorrelatorInput;
    intervalSeconds: number;
    expected: { skip: true } | { write: 'create' | 'patch'; message: string; count: number; aggregated: boolean };
  }> = [
    { name: 'create-a-single-event', previous: [], next: firstEvent, intervalSeconds: 5, expected: { write: 'create', message: 'i am first', count: 1, aggregated: false } },
    {
      name: 'the-same-event-should-just-count',
      previous: repeat(1, duplicateEvent),
      next: duplicateEvent,
      intervalSeconds: 5,
      expected: { write: 'patch', message: 'me again', count: 2, aggregated: false },
    },
    {
      name: 'the-same-event-should-just-count-even-if-more-than-aggregate',
      previous: repeat(DEFAULT_AGGREGATE_MAX_EVENTS, duplicateEvent),
      next: duplicateEvent,
      intervalSeconds: 30,
      expected: { write: 'patch', message: 'me again', count: DEFAULT_AGGREGATE_MAX_EVENTS + 1, aggregated: false },
    },
    {
      name: 'the-same-event-is-spam-if-happens-too-frequently',
      previous: repeat(DEFAULT_SPAM_BURST + 1, duplicateEvent),
      next: duplicateEvent,
      intervalSeconds: 1,
      expected: { skip: true },
    },
    {
      name: 'create-many-unique-events',
      previous: uniqueEvents(30),
      next: uniqueEvent,
      intervalSeconds: 5,
      expected: { write: 'create', message: 'snowflake', count: 1, aggregated: false },
    },
    {
      name: 'similar-events-should-aggregate-event',
      previous: similarEvents(DEFAULT_AGGREGATE_MAX_EVENTS - 1, similarEvent, similarEvent.message),
      next: similarEvent,
      intervalSeconds: 5,
      expected: { write: 'create', message: '(combined from similar events): similar message', count: 1, aggregated: true },
    },
    {
      name: 'similar-events-many-times-should-count-the-aggregate',
      previous: similarEvents(DEFAULT_AGGREGATE_MAX_EVENTS, similarEvent, similarEvent.message),
      next: similarEvent,
      intervalSeconds: 5,
      expected: { write: 'patch', message: '(combined from similar events): similar message', count: 2, aggregated: true },
    },
    {
      name: 'events-from-different-containers-do-not-aggregate',
      previous: repeat(1, similarButDifferentContainerEvent),
      next: similarEvent,
      intervalSeconds: 5,
      expected: { write: 'create', message: 'similar message', count: 1, aggregated: false },
    },
    {
      name: 'similar-events-whose-interval-is-greater-than-aggregate-interval-do-not-aggregate',
      previous: similarEvents(DEFAULT_AGGREGATE_MAX_EVENTS - 1, similarEvent, similarEvent.message),
      next: similarEvent,
      intervalSeconds: DEFAULT_AGGREGATE_INTERVAL_SECONDS + 1,
      expected: { write: 'create', message: 'similar message', count: 1, aggregated: false },
    },
    {
      name: 'similar-events-exactly-the-aggregate-interval-apart-still-aggregate',
      previous: similarEvents(DEFAULT_AGGREGATE_MAX_EVENTS - 1, similarEvent, similarEvent.message),
      next: similarEvent,
      intervalSeconds: DEFAULT_AGGREGATE_INTERVAL_SECONDS,
      expected: { write: 'create', message: '(combined from similar events): similar message', count: 1, aggregated: true },
    },
  ];

  it.each(scenarios)('$name', ({ previous, next, intervalSeconds, expected }) => {
    const results = play([...previous, next], intervalSeconds);
    const result = results.at(-1)!;
    if ('skip' in expected) {
      expect(result).toEqual({ skip: true });
      return;
    }
    const r = written(result);
    expect({ write: r.write, message: r.event.message, count: r.event.count, aggregated: r.aggregated }).toEqual(expected);
    expect(r.event.reason).toBe(next.reason);
    expect(r.event.type).toBe(next.type);
    expect(r.event.involvedObject).toEqual(next.involvedObject);
    // firstTimestamp == lastTimestamp exactly when count is 1 (client-go's validateEvent).
    expect(r.event.firstTimestamp.getTime() === r.event.lastTimestamp.getTime()).toBe(r.event.count === 1);
  });
});

describe('EventCorrelator aggregation', () => {
  const rs = objectRef('ReplicaSet', 'web', 'demo');
  const created = (i: number) => makeEvent('SuccessfulCreate', `Created pod: web-${i}`, rs);

  it('writes 9 distinct similar events as they are and combines the 10th', () => {
    const results = play([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(created), 1).map(written);
    expect(results.slice(0, 9).map((r) => [r.write, r.event.message, r.aggregated])).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => ['create', `Created pod: web-${i}`, false]),
    );
    expect(results[9]).toMatchObject({ write: 'create', aggregated: true, event: { message: '(combined from similar events): Created pod: web-10', count: 1 } });
  });

  it('bumps the combined Event for every later similar event: count, lastTimestamp and the latest message', () => {
    const results = play(Array.from({ length: 15 }, (_, i) => created(i + 1)), 2).map(written);
    const combined = results.slice(9);
    expect(combined.map((r) => [r.write, r.event.count, r.event.message])).toEqual([
      ['create', 1, '(combined from similar events): Created pod: web-10'],
      ['patch', 2, '(combined from similar events): Created pod: web-11'],
      ['patch', 3, '(combined from similar events): Created pod: web-12'],
      ['patch', 4, '(combined from similar events): Created pod: web-13'],
      ['patch', 5, '(combined from similar events): Created pod: web-14'],
      ['patch', 6, '(combined from similar events): Created pod: web-15'],
    ]);
    // All patches target the Event the 10th created, which keeps its firstTimestamp.
    expect(new Set(combined.map((r) => r.event.name))).toEqual(new Set([combined[0]!.event.name]));
    expect(new Set(combined.map((r) => r.key)).size).toBe(1);
    expect(combined.map((r) => r.event.firstTimestamp.getTime())).toEqual(combined.map(() => START + 10 * 2000));
    expect(combined.map((r) => r.event.lastTimestamp.getTime())).toEqual([10, 11, 12, 13, 14, 15].map((n) => START + n * 2000));
  });

  it('does not carry the reporting controller/instance on the combined Event', () => {
    const withReporting = (i: number) => ({ ...created(i), reportingController: 'replicaset-controller', reportingInstance: 'h' });
    const results = play(Array.from({ length: 10 }, (_, i) => withReporting(i + 1)), 1).map(written);
    expect(results[8]!.event.reportingController).toBe('replicaset-controller');
    expect(results[9]!.event).not.toHaveProperty('reportingController');
    expect(results[9]!.event).not.toHaveProperty('reportingInstance');
  });

  it('still dedupes an identical event: the same message repeated never aggregates', () => {
    const results = play(repeat(20, created(1)), 1).map(written);
    expect(results.map((r) => r.write)).toEqual(['create', ...repeat(19, created(1)).map(() => 'patch')]);
    expect(results.map((r) => r.event.count)).toEqual(results.map((_, i) => i + 1));
    expect(results.every((r) => !r.aggregated && r.event.message === 'Created pod: web-1')).toBe(true);
  });

  it.each([
    { name: 'different reasons', other: (i: number) => makeEvent('SuccessfulDelete', `Deleted pod: web-${i}`, rs) },
    { name: 'different objects', other: (i: number) => makeEvent('SuccessfulCreate', `Created pod: web-${i}`, objectRef('ReplicaSet', 'api', 'demo')) },
    { name: 'different uids', other: (i: number) => makeEvent('SuccessfulCreate', `Created pod: web-${i}`, { ...rs, uid: 'other' }) },
    { name: 'different types', other: (i: number) => makeEvent('SuccessfulCreate', `Created pod: web-${i}`, rs, 'Warning') },
    { name: 'different sources', other: (i: number) => ({ ...created(i), source: { component: 'other' } }) },
  ])('does not aggregate across $name', ({ other }) => {
    // 5 + 5 similar events of two groups: neither reaches 10 distinct messages.
    const events = [1, 2, 3, 4, 5].flatMap((i) => [created(i), other(i + 100)]);
    const results = play(events, 1).map(written);
    expect(results.every((r) => r.write === 'create' && !r.aggregated)).toBe(true);
  });

  it('restarts the aggregation after a gap longer than 600 s, and combines into the same Event again', () => {
    const correlator = new EventCorrelator();
    let t = START;
    const at = (e: CorrelatorInput, advanceSeconds: number) => written(correlator.correlate(e, new Date((t += advanceSeconds * 1000))));
    const first = Array.from({ length: 12 }, (_, i) => at(created(i + 1), 1));
    expect(first.at(-1)).toMatchObject({ write: 'patch', aggregated: true, event: { count: 3 } });

    // 601 s of silence: the next 9 distinct messages are written as they are...
    const after = [at(created(13), 601), ...Array.from({ length: 8 }, (_, i) => at(created(14 + i), 1))];
    expect(after.map((r) => [r.write, r.aggregated])).toEqual(after.map(() => ['create', false]));
    expect(after[0]!.event.message).toBe('Created pod: web-13');
    // ...and the 10th is combined again, bumping the combined Event that is still tracked.
    expect(at(created(22), 1)).toMatchObject({
      write: 'patch',
      aggregated: true,
      event: { name: first[9]!.event.name, count: 4, message: '(combined from similar events): Created pod: web-22' },
    });
  });

  it('the window slides: similar events 599 s apart keep aggregating', () => {
    const results = play(Array.from({ length: 12 }, (_, i) => created(i + 1)), 599).map(written);
    expect(results.slice(9).map((r) => r.aggregated)).toEqual([true, true, true]);
  });
});

describe('EventCorrelator spam filter', () => {
  const pod = (name: string) => objectRef('Pod', name, 'ns');

  it('lets 25 events about one object through, then drops the rest', () => {
    const events = Array.from({ length: 40 }, (_, i) => makeEvent(`reason-${i}`, `message-${i}`, pod('p')));
    const results = play(events, 0);
    expect(results.filter((r) => !r.skip)).toHaveLength(25);
    expect(results.slice(0, 25).every((r) => !r.skip)).toBe(true);
    expect(results.slice(25).every((r) => r.skip)).toBe(true);
  });

  it('refills one token every 300 s, up to the burst', () => {
    const correlator = new EventCorrelator();
    let t = START;
    const send = (advanceSeconds: number, i: number) =>
      !correlator.correlate(makeEvent(`reason-${i}`, `m-${i}`, pod('p')), new Date((t += advanceSeconds * 1000))).skip;
    for (let i = 0; i < 25; i++) expect(send(0, i)).toBe(true);
    expect(send(0, 25)).toBe(false);
    expect(send(299, 26)).toBe(false);
    expect(send(1, 27)).toBe(true); // 300 s after the bucket ran dry
    expect(send(0, 28)).toBe(false);
    expect(send(300, 29)).toBe(true);
    // A long quiet spell refills the bucket, but never beyond 25.
    let accepted = 0;
    for (let i = 0; i < 40; i++) if (send(i === 0 ? 3600 * 24 : 0, 100 + i)) accepted++;
    expect(accepted).toBe(25);
  });

  it('keeps a separate bucket per object, per source and per event type', () => {
    const correlator = new EventCorrelator();
    const now = new Date(START);
    const burn = (e: (i: number) => CorrelatorInput) => Array.from({ length: 30 }, (_, i) => correlator.correlate(e(i), now)).filter((r) => !r.skip).length;
    expect(burn((i) => makeEvent(`r${i}`, `m${i}`, pod('a')))).toBe(25);
    expect(burn((i) => makeEvent(`r${i}`, `m${i}`, pod('b')))).toBe(25);
    expect(burn((i) => makeEvent(`r${i}`, `m${i}`, pod('a'), 'Warning'))).toBe(25);
    expect(burn((i) => ({ ...makeEvent(`r${i}`, `m${i}`, pod('a')), source: { component: 'other' } }))).toBe(25);
  });

  it('counts dropped occurrences: the next write carries the full count', () => {
    const correlator = new EventCorrelator();
    let t = START;
    const e = makeEvent('BackOff', 'Back-off restarting failed container', pod('p'), 'Warning');
    const results = Array.from({ length: 30 }, () => correlator.correlate(e, new Date((t += 1000))));
    expect(results.filter((r) => !r.skip)).toHaveLength(25);
    const later = written(correlator.correlate(e, new Date(t + 300_000)));
    expect(later).toMatchObject({ write: 'patch', event: { count: 31 } });
  });

  // client-go TestEventSpamFilter (burst 1, custom spam keys).
  const byObjectAndReason = (e: CorrelatorInput) => [spamKey(e), e.reason].join('\u0000');
  it.each([
    { name: 'default key: same object, different reason is spam', next: makeEvent('duplicate', 'me again', objectRef('Pod', 'my-pod', 'my-ns')), key: undefined, skip: true },
    { name: 'key with reason: different reason is not spam', next: makeEvent('duplicate', 'me again', objectRef('Pod', 'my-pod', 'my-ns')), key: byObjectAndReason, skip: false },
    { name: 'key with reason: same reason, different message is spam', next: makeEvent('original', 'me again', objectRef('Pod', 'my-pod', 'my-ns')), key: byObjectAndReason, skip: true },
  ])('$name', ({ next, key, skip }) => {
    const correlator = new EventCorrelator({ burst: 1, ...(key ? { spamKey: key } : {}) });
    const original = makeEvent('original', 'i am first', objectRef('Pod', 'my-pod', 'my-ns'));
    expect(correlator.correlate(original, new Date(START)).skip).toBe(false);
    expect(correlator.correlate(next, new Date(START + 1000)).skip).toBe(skip);
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry; get and set refresh', () => {
    const lru = new LruCache<string, number>(3);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.set('c', 3);
    expect(lru.get('a')).toBe(1);
    lru.set('d', 4); // evicts b
    expect(lru.keys()).toEqual(['c', 'a', 'd']);
    lru.set('c', 30); // refresh c
    lru.set('e', 5); // evicts a
    expect(lru.keys()).toEqual(['d', 'c', 'e']);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.size).toBe(3);
  });

  it('has no limit when maxEntries is 0', () => {
    const lru = new LruCache<number, number>(0);
    for (let i = 0; i < 10_000; i++) lru.set(i, i);
    expect(lru.size).toBe(10_000);
  });

  it('an evicted aggregate record starts the aggregation afresh', () => {
    // Similar events about two ReplicaSets, alternating: with one entry per cache each
    // aggregate record evicts the other, so neither ever reaches 10 distinct messages.
    const events = Array.from({ length: 24 }, (_, i) =>
      makeEvent('SuccessfulCreate', `Created pod: ${i}`, objectRef('ReplicaSet', i % 2 ? 'a' : 'b', 'demo')),
    );
    const aggregated = (cacheSize?: number) =>
      play(events, 1, new EventCorrelator(cacheSize === undefined ? {} : { cacheSize })).map((r) => !r.skip && r.aggregated);
    expect(aggregated(1).some(Boolean)).toBe(false);
    expect(aggregated(2).filter(Boolean)).toHaveLength(6); // the 10th, 11th and 12th of each
    expect(aggregated().filter(Boolean)).toHaveLength(6);
  });
});

describe('TokenBucket', () => {
  it('starts full, refills at qps and caps at burst', () => {
    const bucket = new TokenBucket(1, 2, 0);
    expect(bucket.tryAccept(0)).toBe(true);
    expect(bucket.tryAccept(0)).toBe(true);
    expect(bucket.tryAccept(0)).toBe(false);
    expect(bucket.tryAccept(999)).toBe(false);
    expect(bucket.tryAccept(1000)).toBe(true);
    expect(bucket.available(100_000)).toBe(2);
  });

  it('the default rate gives a token after exactly 300 s', () => {
    const bucket = new TokenBucket(DEFAULT_SPAM_QPS, 1, 0);
    expect(bucket.tryAccept(0)).toBe(true);
    expect(bucket.tryAccept(299_999)).toBe(false);
    expect(bucket.tryAccept(300_000)).toBe(true);
  });
});
