// retryOnConflict: client-go's retry.RetryOnConflict with DefaultRetry (5 attempts, ~10 ms apart
// with jitter). The function must re-read the object it writes, or it would just conflict again.
import { ApiException } from '@kubernetes/client-node';

/** True for an HTTP 409 Conflict from client-node 2.x (ApiException) or a plain {code|statusCode: 409}. */
export function isConflict(err: unknown): boolean {
  return httpStatusOf(err) === 409;
}

export function isNotFound(err: unknown): boolean {
  return httpStatusOf(err) === 404;
}

export function httpStatusOf(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  if (typeof err === 'object' && err !== null) {
    const { code, statusCode } = err as { code?: unknown; statusCode?: unknown };
    if (typeof code === 'number') return code;
    if (typeof statusCode === 'number') return statusCode;
  }
  return undefined;
}

export interface RetryOptions {
  attempts?: number;
  delayMs?: number;
  jitter?: number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function retryOnConflict<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 5, delayMs = 10, jitter = 0.1, sleep = defaultSleep } = options;
  // client-go's RetryOnConflict is OnError(DefaultRetry, IsConflict, fn): the same waits, no growth.
  return retryOnError(fn, isConflict, { steps: attempts, durationMs: delayMs, factor: 1, jitter }, sleep);
}

/** A backoff as client-go's wait.Backoff: `steps` tries, the first wait `durationMs`, each next × `factor`, plus up to `jitter` of it. */
export interface Backoff {
  steps: number;
  durationMs: number;
  factor: number;
  jitter: number;
}

/** client-go's retry.DefaultBackoff: 4 tries, 10 ms apart then 50 and 250 (± 10 %). */
export const DEFAULT_BACKOFF: Backoff = { steps: 4, durationMs: 10, factor: 5, jitter: 0.1 };

/**
 * client-go's retry.OnError: fn again while it fails with an error `retriable` accepts, waiting
 * between tries as `backoff` says; a non-retriable error ends it at once, and after the last try
 * the last error is thrown.
 */
export async function retryOnError<T>(fn: () => Promise<T>, retriable: (err: unknown) => boolean, backoff: Backoff = DEFAULT_BACKOFF, sleep = defaultSleep): Promise<T> {
  let waitMs = backoff.durationMs;
  for (let step = 1; ; step++) {
    try {
      return await fn();
    } catch (err) {
      if (!retriable(err) || step >= backoff.steps) throw err;
      await sleep(waitMs * (1 + Math.random() * backoff.jitter));
      waitMs *= backoff.factor;
    }
  }
}

/** A refused TCP connection (an API server restarting), wherever fetch put the cause. */
export function isConnectionRefused(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === 'ECONNREFUSED') return true;
  }
  return false;
}

/** The scheduler's retriable errors (upstream's util.Retriable): 500, 503, or a refused connection. */
export function isRetriableForScheduler(err: unknown): boolean {
  const status = httpStatusOf(err);
  return status === 500 || status === 503 || isConnectionRefused(err);
}

/** The apiserver's Status body of an ApiException (client-node gives it parsed or as text). */
export function apiStatusOf(err: unknown): { message?: string; reason?: string; details?: { causes?: Array<{ reason?: string }> } } | undefined {
  if (!(err instanceof ApiException)) return undefined;
  const body: unknown = err.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as ReturnType<typeof apiStatusOf>;
    } catch {
      return { message: body };
    }
  }
  return typeof body === 'object' && body !== null ? (body as ReturnType<typeof apiStatusOf>) : undefined;
}

/** A one-line, human message for an error: the apiserver's Status message when there is one. */
export function errorMessage(err: unknown): string {
  const status = apiStatusOf(err);
  if (status?.message) return status.message;
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.message;
  return String(err);
}

/** True when the apiserver rejected the request with the given cause (e.g. 'NamespaceTerminating'). */
export function hasStatusCause(err: unknown, cause: string): boolean {
  return apiStatusOf(err)?.details?.causes?.some((c) => c.reason === cause) ?? false;
}
