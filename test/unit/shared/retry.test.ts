import { describe, expect, it, vi } from 'vitest';
import { ApiException } from '@kubernetes/client-node';
import { httpStatusOf, isConflict, retryOnConflict } from '../../../controllers/shared/retry.js';

const conflict = () => new ApiException(409, 'Conflict', { reason: 'Conflict' }, {});
const noSleep = async () => {};

describe('retryOnConflict', () => {
  it('retries after a 409 and returns the later success', async () => {
    const fn = vi.fn().mockRejectedValueOnce(conflict()).mockResolvedValueOnce('ok');
    await expect(retryOnConflict(fn, { sleep: noSleep })).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('throws a non-conflict error at once', async () => {
    const err = new ApiException(500, 'boom', {}, {});
    const fn = vi.fn().mockRejectedValue(err);
    await expect(retryOnConflict(fn, { sleep: noSleep })).rejects.toBe(err);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('gives up after 5 attempts and throws the last conflict', async () => {
    const fn = vi.fn().mockRejectedValue(conflict());
    await expect(retryOnConflict(fn, { sleep: noSleep })).rejects.toBeInstanceOf(ApiException);
    expect(fn).toHaveBeenCalledTimes(5);
  });

  it('sleeps a small backoff between attempts', async () => {
    const sleeps: number[] = [];
    const fn = vi.fn().mockRejectedValueOnce(conflict()).mockRejectedValueOnce(conflict()).mockResolvedValueOnce(1);
    await retryOnConflict(fn, { sleep: async (ms) => void sleeps.push(ms) });
    expect(sleeps).toHaveLength(2);
    for (const ms of sleeps) {
      expect(ms).toBeGreaterThanOrEqual(10);
      expect(ms).toBeLessThanOrEqual(11);
    }
  });
});

describe('isConflict / httpStatusOf', () => {
  it.each([
    [new ApiException(409, 'x', {}, {}), 409, true],
    [new ApiException(404, 'x', {}, {}), 404, false],
    [{ statusCode: 409 }, 409, true],
    [{ code: 409 }, 409, true],
    [new Error('plain'), undefined, false],
    [null, undefined, false],
  ])('%o → %s', (err, status, conflicting) => {
    expect(httpStatusOf(err)).toBe(status);
    expect(isConflict(err)).toBe(conflicting);
  });
});

describe('errorMessage / hasStatusCause', () => {
  it('prefers the apiserver Status message, parsed or as JSON text', async () => {
    const { errorMessage, hasStatusCause } = await import('../../../controllers/shared/retry.js');
    const status = {
      kind: 'Status',
      message: 'pods "x" is forbidden: unable to create new content in namespace demo because it is being terminated',
      details: { causes: [{ reason: 'NamespaceTerminating' }] },
    };
    expect(errorMessage(new ApiException(403, 'Forbidden', status, {}))).toBe(status.message);
    expect(errorMessage(new ApiException(403, 'Forbidden', JSON.stringify(status), {}))).toBe(status.message);
    expect(hasStatusCause(new ApiException(403, 'Forbidden', status, {}), 'NamespaceTerminating')).toBe(true);
    // client-node 2.x hands the body over as text: the Deployment controller's create path sees this form.
    expect(hasStatusCause(new ApiException(403, 'Forbidden', JSON.stringify(status), {}), 'NamespaceTerminating')).toBe(true);
    expect(hasStatusCause(new ApiException(403, 'Forbidden', { message: 'no' }, {}), 'NamespaceTerminating')).toBe(false);
    expect(errorMessage(new Error('first line\nsecond'))).toBe('first line');
  });
});
