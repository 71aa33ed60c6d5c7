/**
 * The two ways the scale measurements (sched-scale, rs-scale) run each side: at the component's
 * own default client limits (kube-scheduler's clientConnection, kube-controller-manager's
 * --kube-api-qps/--kube-api-burst), and unthrottled.
 */
import type { ClientLimits } from '../base/token-bucket.js';

export const LIMIT_MODES = ['qps', 'unthrottled'] as const;
export type LimitMode = (typeof LIMIT_MODES)[number];

/** Pure: a component's limits in `mode`: its defaults, or none (to client-go, a negative qps). */
export function limitsIn(mode: LimitMode, defaults: ClientLimits): ClientLimits | undefined {
  return mode === 'qps' ? defaults : undefined;
}

/** Pure: "at kube-scheduler's client limits (qps 50, burst 100)", or "unthrottled". */
export function limitModeLabel(mode: LimitMode, defaults: ClientLimits, component: string): string {
  const limits = limitsIn(mode, defaults);
  return limits ? `at ${component}'s client limits (qps ${limits.qps}, burst ${limits.burst})` : 'unthrottled';
}
