// The scheduler's pod status writes (upstream's util.PatchPodStatus): retried on 500, 503 or a
// refused connection with client-go's DefaultBackoff (4 tries; 10, 50, 250 ms apart), not on others.
import { ApiException, type V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { patchPodStatus, type PodStatusClient } from '../../../controllers/scheduler/pod-status-patch.js';
import { DEFAULT_BACKOFF, isConnectionRefused, isRetriableForScheduler, retryOnError } from '../../../controllers/shared/retry.js';

const pod: V1Pod = { metadata: { name: 'p', namespace: 'demo' } };
const apiError = (code: number) => new ApiException(code, `HTTP ${code}`, { message: `status ${code}` }, {});
const refused = () => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' }) });

/** A status client failing with `errors` in turn, then answering; it records every call. */
function failingClient(errors: unknown[]): PodStatusClient & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    patchNamespacedPodStatus: (async (...args: unknown[]) => {
      calls.push(args);
      const error = errors.shift();
      if (error) throw error;
      return pod;
    }) as PodStatusClient['patchNamespacedPodStatus'],
  };
}

describe('patchPodStatus', () => {
  it('tries again after a 500, a 503 and a refused connection, waiting 10, 50 and 250 ms (± 10 %), and sends a strategic merge patch of the status', async () => {
    const core = failingClient([apiError(500), apiError(503), refused()]);
    const waits: number[] = [];
    await patchPodStatus(core, pod, { nominatedNodeName: null }, DEFAULT_BACKOFF, async (ms) => void waits.push(ms));
    expect(core.calls).toHaveLength(4);
    expect(waits.map((w, i) => w / [10, 50, 250][i]!).every((r) => r >= 1 && r <= 1.1)).toBe(true);
    const [request, options] = core.calls[0] as [{ name: string; namespace: string; body: unknown }, { middleware?: unknown[] } | undefined];
    expect(request).toEqual({ name: 'p', namespace: 'demo', body: { status: { nominatedNodeName: null } } });
    expect(options).toBeDefined();
  });

  it('gives up after 4 tries with the last error', async () => {
    const core = failingClient([apiError(503), apiError(503), apiError(503), apiError(500), apiError(500)]);
    await expect(patchPodStatus(core, pod, {}, DEFAULT_BACKOFF, async () => undefined)).rejects.toMatchObject({ code: 500 });
    expect(core.calls).toHaveLength(4);
  });

  it('a 404, 409 or 422 ends it at once', async () => {
    for (const code of [404, 409, 422]) {
      const core = failingClient([apiError(code)]);
      await expect(patchPodStatus(core, pod, {}, DEFAULT_BACKOFF, async () => undefined)).rejects.toMatchObject({ code });
      expect(core.calls).toHaveLength(1);
    }
  });
});

describe('retriable errors', () => {
  it('a refused connection is found in the error or its causes', () => {
    expect(isConnectionRefused(refused())).toBe(true);
    expect(isConnectionRefused({ code: 'ECONNREFUSED' })).toBe(true);
    expect(isConnectionRefused(new Error('socket hang up'))).toBe(false);
    expect(isRetriableForScheduler(apiError(429))).toBe(false);
    expect(isRetriableForScheduler(apiError(503))).toBe(true);
  });

  it('retryOnError returns the first success', async () => {
    let n = 0;
    expect(await retryOnError(async () => (++n < 3 ? Promise.reject(apiError(500)) : n), isRetriableForScheduler, DEFAULT_BACKOFF, async () => undefined)).toBe(3);
  });
});
