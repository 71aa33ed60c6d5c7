/**
 * Every bench measurement, registered once. A new one is a module in this folder exporting a
 * BenchMeasurement (../measurement.ts), listed in MEASUREMENTS and placed in LAB_SIDE_ORDER.
 */
import type { BenchMeasurement } from '../measurement.js';
import { bindRateMeasurement } from './bind-rate.js';
import { rollout } from './rollout.js';
import { rs300Free } from './rs-300-free.js';
import { rs300Qps } from './rs-300-qps.js';
import { rss } from './rss.js';
import { rsScale } from './rs-scale.js';
import { schedScale } from './sched-scale.js';
import { traceOverhead } from './trace-overhead.js';
import { traceRate } from './trace-rate.js';

/** In the order --only lists them, the help describes them and the results show them. */
export const MEASUREMENTS: readonly BenchMeasurement[] = [rollout, rs300Qps, rs300Free, bindRateMeasurement, rss, traceOverhead, traceRate, schedScale, rsScale];

/**
 * The order the lab sides run in (the built-in sides run first, in MEASUREMENTS order). The ones
 * in the shared lab come first; rss's 2,000 pods stay while it measures, so it runs after
 * the rollouts and bursts they would slow, and sched-scale and rs-scale, which add and remove nodes, last.
 */
export const LAB_SIDE_ORDER: readonly string[] = ['rollout', 'bind-rate', 'rs-300-qps', 'rs-300-free', 'trace-overhead', 'trace-rate', 'rss', 'sched-scale', 'rs-scale'];

export const MEASUREMENT_IDS: readonly string[] = MEASUREMENTS.map((m) => m.id);

/** The --only example the help and the bad-input message give. */
export const ONLY_EXAMPLE = 'rollout,bind-rate';
