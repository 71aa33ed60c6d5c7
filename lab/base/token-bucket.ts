/**
 * A token-bucket rate limiter with client-go's semantics (flowcontrol.NewTokenBucketRateLimiter):
 * `qps` tokens are added per second up to `burst`; the bucket starts full; each request takes one
 * token and waits until one is available. kube-controller-manager's clients use qps 20, burst 30
 * by default (--kube-api-qps / --kube-api-burst), kube-scheduler's 50 and 100 (clientConnection);
 * `lab run --kube-api-qps/--kube-api-burst` and the bench give the lab's clients the same.
 */

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** kube-controller-manager's defaults for its API clients. */
export const KCM_DEFAULT_LIMITS = { qps: 20, burst: 30 } as const;

/** kube-scheduler's defaults (KubeSchedulerConfiguration clientConnection.qps / .burst). */
export const KUBE_SCHEDULER_DEFAULT_LIMITS = { qps: 50, burst: 100 } as const;

/** A client-side limit as client-go takes it: `qps` requests a second on average, `burst` at once. */
export interface ClientLimits {
  qps: number;
  burst: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;
  /** Requests reserve tokens in arrival order, so waiting callers are served first come, first served. */
  private waited = 0;

  constructor(
    readonly qps: number,
    readonly burst: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(qps > 0)) throw new RangeError(`qps must be positive, not ${qps}`);
    if (!(burst >= 1)) throw new RangeError(`burst must be at least 1, not ${burst}`);
    this.tokens = burst;
    this.last = clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.qps);
    this.last = now;
  }

  /**
   * Reserve a token now and return how long the caller must wait for it (0 when one is free).
   * Tokens may go negative: each reservation pushes the next caller's wait further out.
   */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    if (this.tokens >= 0) return 0;
    return (-this.tokens / this.qps) * 1000;
  }

  /** Wait for a token. */
  async take(): Promise<void> {
    const waitMs = this.reserve();
    if (waitMs > 0) {
      this.waited++;
      await this.clock.sleep(waitMs);
    }
  }

  /** How many requests had to wait. */
  get throttled(): number {
    return this.waited;
  }
}

/**
 * A view of an API client (CoreV1Api, AppsV1Api...) whose every method call first takes a token
 * from `bucket`. Share one bucket between a component's clients, as client-go shares one per
 * rest.Config. Watches made by informers do not go through these clients and are not limited
 * (client-go does not rate-limit an open watch either, only its initial request).
 */
export function throttledClient<T extends object>(api: T, bucket: TokenBucket): T {
  return new Proxy(api, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string' || property === 'constructor') return value;
      return async (...args: unknown[]) => {
        await bucket.take();
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
}
