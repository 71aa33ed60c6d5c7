/** rs-300-free: the same 300 pods as rs-300-qps, the lab's ReplicaSet controller unthrottled. */
import { BURST_PODS, builtinBurst, burst } from '../burst.js';
import { startLabReplicaSetController } from '../cluster.js';
import type { BenchMeasurement } from '../measurement.js';

export const rs300Free: BenchMeasurement = {
  id: 'rs-300-free',
  measures: ['the same, the lab unthrottled'],
  options: ['--timeout'],
  rows: () => [
    {
      id: 'rs-300-free', title: `${BURST_PODS} pods for one ReplicaSet, lab unthrottled`, unit: 'ms', higherIsBetter: false,
      note: 'lab without any client-side limit vs the same built-in run (whose limits cannot be lifted without changing the cluster)',
    },
  ],
  async builtin(ctx, [row]) {
    row!.builtin = (await builtinBurst(ctx)).ms;
  },
  lab: {
    async run(ctx, [row]) {
      const rs = await startLabReplicaSetController();
      try {
        row!.lab = (await ctx.progress.step(`lab ReplicaSet controller unthrottled: ${BURST_PODS} pods`, () => burst(ctx, 'bench-burst-lab-free'))).ms;
      } finally {
        await rs.stop();
      }
    },
  },
};
