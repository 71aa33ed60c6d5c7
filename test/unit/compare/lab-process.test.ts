import { describe, expect, it } from 'vitest';
import { readyComponents } from '../../../lab/compare/lab-process.js';

describe('readyComponents', () => {
  it.each([
    ['✓ replicaset-controller ready: informers synced\n', ['replicaset']],
    ['✓ scheduler ready: informers synced; serving spec.schedulerName=lab-scheduler\n', ['scheduler']],
    ['✓ deployment-controller ready: informers synced\n✓ scheduler ready: informers synced\n', ['deployment', 'scheduler']],
    ['· deployment-controller starting\n', []],
  ] as const)('%j → %j', (text, expected) => {
    expect(readyComponents(text, ['deployment', 'replicaset', 'scheduler'])).toEqual(expected);
  });
  it('only reports the components asked about', () => {
    expect(readyComponents('✓ scheduler ready: informers synced', ['deployment'])).toEqual([]);
  });
});
