// Revisions are int64 upstream (deployment_util.go Revision/MaxRevision/LastRevision,
// SetNewReplicaSetAnnotations): exact past 2^53, unparsable outside int64.
import { describe, expect, it } from 'vitest';
import type { V1ReplicaSet } from '@kubernetes/client-node';
import { REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION } from '../../../controllers/deployment/constants.js';
import { byRevision, lastRevision, maxRevision, revisionOf, withNewReplicaSetAnnotations } from '../../../controllers/deployment/revisions.js';
import { rollbackTo } from '../../../controllers/deployment/rollback.js';
import { deployment, NEW_TS, OLD_TS, rs, withAnnotations } from './fixtures.js';

const HUGE = '3546343826724305832'; // rounds to 3546343826724306000 as a JS number

function rsAt(revision: string | undefined, name = `rs-${revision}`): V1ReplicaSet {
  const r = rs(name, 0);
  return revision === undefined ? r : withAnnotations(r, { [REVISION_ANNOTATION]: revision });
}

describe('revisionOf', () => {
  it('is 0 without the annotation, the int64 value otherwise', () => {
    expect(revisionOf(rsAt(undefined))).toBe(0n);
    expect(revisionOf(rsAt('1'))).toBe(1n);
    expect(revisionOf(rsAt(HUGE))).toBe(3546343826724305832n);
    expect(revisionOf(rsAt('9223372036854775807'))).toBe(9223372036854775807n);
  });

  it('is undefined when strconv.ParseInt fails: empty, junk, out of int64 range', () => {
    for (const bad of ['', 'abc', '1.5', ' 1', '9223372036854775808', '-9223372036854775809']) expect(revisionOf(rsAt(bad))).toBeUndefined();
  });
});

describe('maxRevision and lastRevision', () => {
  it('upstream TestMaxRevision: 1, none, 2 → 2', () => {
    expect(maxRevision([rsAt('1'), rsAt(undefined), rsAt('2')])).toBe(2n);
  });

  it('tells apart huge revisions a number would round together', () => {
    const list = [rsAt('3546343826724305832'), rsAt('3546343826724305833'), rsAt('3546343826724305831')];
    expect(maxRevision(list)).toBe(3546343826724305833n);
    expect(lastRevision(list)).toBe(3546343826724305832n);
  });

  it('skips unparsable and out-of-range revisions, keeps MaxInt64', () => {
    const list = [rsAt('9223372036854775808'), rsAt('abc'), rsAt('9223372036854775806'), rsAt('9223372036854775807'), undefined];
    expect(maxRevision(list)).toBe(9223372036854775807n);
    expect(lastRevision(list)).toBe(9223372036854775806n);
    expect(maxRevision([rsAt('99999999999999999999'), rsAt('')])).toBe(0n);
  });
});

describe('byRevision', () => {
  it('orders huge revisions exactly, and unparsable ones by creation time', () => {
    const a = rsAt('3546343826724305833', 'a');
    const b = rsAt('3546343826724305832', 'b');
    const c = rsAt('3546343826724305831', 'c');
    expect([a, b, c].sort(byRevision).map((r) => r.metadata?.name)).toEqual(['c', 'b', 'a']);
    const older = rs('older', 0, OLD_TS);
    const newer = rs('newer', 0, NEW_TS);
    withAnnotations(older, { [REVISION_ANNOTATION]: '9223372036854775808' });
    withAnnotations(newer, { [REVISION_ANNOTATION]: '1' });
    expect([newer, older].sort(byRevision).map((r) => r.metadata?.name)).toEqual(['older', 'newer']);
  });
});

describe('rollbackTo', () => {
  it('reads the requested revision as int64; unparsable means no request', () => {
    const d = deployment('web', 1);
    d.metadata!.annotations = { 'deprecated.deployment.rollback.to': HUGE };
    expect(rollbackTo(d)).toBe(3546343826724305832n);
    d.metadata!.annotations = { 'deprecated.deployment.rollback.to': '9223372036854775808' };
    expect(rollbackTo(d)).toBeUndefined();
  });
});

describe('withNewReplicaSetAnnotations (SetNewReplicaSetAnnotations)', () => {
  const d = deployment('nginx', 1);
  d.metadata!.annotations = { [REVISION_ANNOTATION]: '1' };
  const annotationsOf = (r: V1ReplicaSet) => r.metadata?.annotations ?? {};

  it('upstream TestAnnotationUtils: revisions 11 to 20 with a 5-character history keep the last two', () => {
    let r = rs('nginx-1', 1);
    for (let i = 10; i < 20; i++) {
      const next = String(i + 1);
      r = withNewReplicaSetAnnotations(d, r, next, true, 5).rs;
      if (i >= 12) expect(annotationsOf(r)[REVISION_HISTORY_ANNOTATION]).toBe(`${i - 1},${i}`);
      expect(annotationsOf(r)[REVISION_ANNOTATION]).toBe(next);
    }
  });

  it('raises a huge revision by one, a step a number cannot see, and records it in the history', () => {
    const r = withAnnotations(rs('web-a', 1), { [REVISION_ANNOTATION]: '3546343826724305832', [REVISION_HISTORY_ANNOTATION]: '3546343826724305830' });
    const out = withNewReplicaSetAnnotations(d, r, '3546343826724305833', true, 2000);
    expect(out.changed).toBe(true);
    expect(annotationsOf(out.rs)[REVISION_ANNOTATION]).toBe('3546343826724305833');
    expect(annotationsOf(out.rs)[REVISION_HISTORY_ANNOTATION]).toBe('3546343826724305830,3546343826724305832');
  });

  it('drops the oldest huge entries past the length cap', () => {
    const history = ['9223372036854775801', '9223372036854775802', '9223372036854775803'].join(',');
    const r = withAnnotations(rs('web-a', 1), { [REVISION_ANNOTATION]: '9223372036854775804', [REVISION_HISTORY_ANNOTATION]: history });
    const out = withNewReplicaSetAnnotations(d, r, '9223372036854775807', true, 60);
    expect(annotationsOf(out.rs)[REVISION_ANNOTATION]).toBe('9223372036854775807');
    expect(annotationsOf(out.rs)[REVISION_HISTORY_ANNOTATION]).toBe('9223372036854775802,9223372036854775803,9223372036854775804');
  });

  it('never lowers a revision', () => {
    const r = withAnnotations(rs('web-a', 1), { [REVISION_ANNOTATION]: '3546343826724305833' });
    const out = withNewReplicaSetAnnotations(d, r, '3546343826724305832', true, 2000);
    expect(annotationsOf(out.rs)[REVISION_ANNOTATION]).toBe('3546343826724305833');
    expect(annotationsOf(out.rs)[REVISION_HISTORY_ANNOTATION]).toBeUndefined();
  });

  it('changes nothing when either revision is unparsable or out of int64 range', () => {
    const outOfRange = withAnnotations(rs('web-a', 1), { [REVISION_ANNOTATION]: '9223372036854775808' });
    expect(withNewReplicaSetAnnotations(d, outOfRange, '2', true, 2000).changed).toBe(false);
    const fine = withAnnotations(rs('web-b', 1), { [REVISION_ANNOTATION]: '1' });
    const out = withNewReplicaSetAnnotations(d, fine, '9223372036854775808', true, 2000);
    expect(out.changed).toBe(false);
    expect(annotationsOf(out.rs)[REVISION_ANNOTATION]).toBe('1');
  });

  it('a wrapped-around revision (MaxInt64 + 1 in Go) is below every revision, so it is not set', () => {
    const out = withNewReplicaSetAnnotations(d, rs('web-a', 1), '-9223372036854775808', false, 2000);
    expect(annotationsOf(out.rs)[REVISION_ANNOTATION]).toBeUndefined();
  });
});
