/**
 * sched-scale: SCALE_PODS pods onto 10, 100, 500 and 1,000 simulated nodes, kube-scheduler against
 * lab-scheduler, each a fresh process, at kube-scheduler's client limits and unthrottled: pods/s,
 * create → bound p50/p99 (timed by the API server's audit log), CPU seconds and peak RSS. The work
 * is in ../scheduler-scale.ts.
 */
import type { BenchMeasurement } from '../measurement.js';
import { allScaleRows, measureAtScale, SCALE_NODES, SCALE_PODS } from '../scheduler-scale.js';

export const schedScale: BenchMeasurement = {
  id: 'sched-scale',
  measures: [
    `${SCALE_PODS} pods onto ${SCALE_NODES.join(', ')} simulated nodes (--nodes; lab nodes add; 1,000 if memory allows):`,
    'a fresh kube-scheduler pod against a fresh `lab run --only scheduler`, at kube-scheduler\'s client',
    'limits (50 QPS, burst 100) and unthrottled: pods/s, create → bound p50/p99, CPU seconds, peak RSS;',
    "the times are the API server's own, from its audit log",
  ],
  options: ['--timeout', '--nodes'],
  rows: ({ nodeCounts }) => allScaleRows(nodeCounts),
  lab: {
    // Both sides run here: neither needs the built-in controllers, and the nodes are added once per count.
    run: (ctx, rows) => measureAtScale(ctx, ctx.nodeCounts, rows, ctx.progress),
  },
};
