/** trace-rate: trace entries per second during a traced 300-pod scale-up, and how many were dropped. */
import { startClusterTrace } from '../../trace/cluster-session.js';
import { BURST_PODS, burst } from '../burst.js';
import { startLabReplicaSetController } from '../cluster.js';
import type { BenchMeasurement } from '../measurement.js';
import { perSecond } from '../workloads.js';

/** Late audit lines still belong to the scale-up. */
const SETTLE_MS = 2000;

export const traceRate: BenchMeasurement = {
  id: 'trace-rate',
  measures: [`trace entries per second during a traced ${BURST_PODS}-pod scale-up, and how many dropped`],
  options: ['--timeout'],
  rows: () => [
    { id: 'trace-rate', title: `trace entries per second during the ${BURST_PODS}-pod scale-up`, unit: 'entries/s', higherIsBetter: true },
    { id: 'trace-dropped', title: 'trace entries dropped (timeline cap)', unit: 'count', higherIsBetter: false },
  ],
  lab: {
    async run(ctx, [entries, dropped]) {
      const session = await startClusterTrace({});
      const rs = await startLabReplicaSetController({ trace: session });
      try {
        const sizeBefore = session.timeline.size + session.timeline.dropped;
        const { spanMs } = await ctx.progress.step(`traced scale-up: ${BURST_PODS} pods`, () => burst(ctx, 'bench-burst-traced'));
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        const appended = session.timeline.size + session.timeline.dropped - sizeBefore;
        entries!.lab = perSecond(appended, spanMs + SETTLE_MS);
        entries!.note = `${appended} entries over ${Math.round(spanMs)} ms + 2 s settle (all taps; lab ReplicaSet controller unthrottled)`;
        dropped!.lab = session.timeline.dropped;
        dropped!.note = `timeline cap ${session.timeline.cap}`;
      } finally {
        await rs.stop();
        await session.stop();
      }
    },
  },
};
