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
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isConflict(err) || attempt >= attempts) throw err;
      await sleep(delayMs * (1 + Math.random() * jitter));
    }
  }
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
