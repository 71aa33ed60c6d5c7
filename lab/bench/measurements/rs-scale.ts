/**
 * rs-scale: one ReplicaSet of 2,000 pods on simulated nodes, kube-controller-manager's ReplicaSet
 * controller against the lab's, each a fresh process, at kube-controller-manager's client limits
 * and unthrottled. The work is in ../replicaset-scale.ts.
 */
import type { BenchMeasurement } from '../measurement.js';
import { allRsScaleRows, measureRsAtScale, RS_SCALE_NODES, RS_SCALE_PODS } from '../replicaset-scale.js';

export const rsScale: BenchMeasurement = {
  id: 'rs-scale',
  measures: [
    `one ReplicaSet of ${RS_SCALE_PODS} pods on ${RS_SCALE_NODES} simulated nodes: a fresh kube-controller-manager pod`,
    '(--controllers=replicaset) against a fresh `lab run --only replicaset`, at 20 QPS/burst 30 and',
    'unthrottled: create → last pod, → readyReplicas, CPU seconds, peak RSS',
  ],
  options: ['--timeout'],
  rows: () => allRsScaleRows(),
  lab: {
    // Both sides run here, with the control plane's own ReplicaSet controller off.
    run: (ctx, rows) => measureRsAtScale(ctx, rows, ctx.progress),
  },
};
