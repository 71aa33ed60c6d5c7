/** rs-300-qps: 300 pods for one ReplicaSet, the lab's controller at kube-controller-manager's client limits. */
import { BURST_PODS, builtinBurst, burst } from '../burst.js';
import { startLabReplicaSetController } from '../cluster.js';
import type { BenchMeasurement } from '../measurement.js';
import { KCM_DEFAULT_LIMITS, TokenBucket } from '../../base/token-bucket.js';

const { qps, burst: burstLimit } = KCM_DEFAULT_LIMITS;

export const rs300Qps: BenchMeasurement = {
  id: 'rs-300-qps',
  measures: [
    `${BURST_PODS} pods for one ReplicaSet (schedulerName: nobody); the lab's ReplicaSet`,
    `controller behind a token bucket of qps ${qps} / burst ${burstLimit}, kube-controller-manager's`,
    'defaults (--kube-api-qps / --kube-api-burst)',
  ],
  options: ['--timeout'],
  rows: () => [
    {
      id: 'rs-300-qps', title: `${BURST_PODS} pods for one ReplicaSet, same QPS limits`, unit: 'ms', higherIsBetter: false,
      note: `built-in: kube-controller-manager defaults (--kube-api-qps=${qps}, --kube-api-burst=${burstLimit}); lab: one token bucket (qps ${qps}, burst ${burstLimit}) in front of every call of its core+apps clients (watches not limited, as in client-go)`,
    },
  ],
  async builtin(ctx, [row]) {
    row!.builtin = (await builtinBurst(ctx)).ms;
  },
  lab: {
    async run(ctx, [row]) {
      const bucket = new TokenBucket(qps, burstLimit);
      const rs = await startLabReplicaSetController({ bucket });
      try {
        row!.lab = (await ctx.progress.step(`lab ReplicaSet controller at qps ${qps}/burst ${burstLimit}: ${BURST_PODS} pods`, () => burst(ctx, 'bench-burst-lab-qps'))).ms;
        row!.note += `; ${bucket.throttled} lab requests waited for a token`;
      } finally {
        await rs.stop();
      }
    },
  },
};
