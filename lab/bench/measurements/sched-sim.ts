/**
 * sched-sim: SIM_PODS pods onto 10 and onto 100 simulated nodes, default-scheduler then
 * lab-scheduler on the same nodes; three rows per scale (pods/s, p50, p99). The work is in
 * ../simulated-scheduling.ts.
 */
import { startLab } from '../../run/lab-process.js';
import { recordFailure, type BenchMeasurement } from '../measurement.js';
import { recordSample, scheduleOntoSimulatedNodes, SIM_PODS, SIM_SCALES, simulatedSchedulingRows, withSimulatedNodes } from '../simulated-scheduling.js';

export const schedSim: BenchMeasurement = {
  id: 'sched-sim',
  measures: [
    `${SIM_PODS} pods onto ${SIM_SCALES.join(' and onto ')} simulated nodes (lab nodes add), default-scheduler`,
    'then lab-scheduler on the same nodes: pods/s, create → bound p50 and p99',
  ],
  options: ['--timeout'],
  rows: () => SIM_SCALES.flatMap((nodes) => Object.values(simulatedSchedulingRows(nodes))),
  lab: {
    // Both sides run here: default-scheduler needs no built-in controller, and the nodes are added once.
    async run(ctx, allRows) {
      for (const [k, nodes] of SIM_SCALES.entries()) {
        const [rate, p50, p99] = allRows.slice(3 * k, 3 * k + 3);
        const rows = { rate: rate!, p50: p50!, p99: p99! };
        // A failure at one scale is recorded on its rate row; the next scale still runs.
        await recordFailure(rows.rate, () => withSimulatedNodes(nodes, ctx.progress, async () => {
          recordSample(rows, 'builtin', await ctx.progress.step(`default-scheduler: ${SIM_PODS} pods onto ${nodes} simulated nodes`, () => scheduleOntoSimulatedNodes(ctx, `bench-sim-${nodes}-builtin`, 'default-scheduler')));
          const lab = startLab({ command: 'lab bench', only: ['scheduler'] });
          try {
            await ctx.progress.step('starting lab-scheduler', () => lab.ready);
            recordSample(rows, 'lab', await ctx.progress.step(`lab-scheduler: ${SIM_PODS} pods onto ${nodes} simulated nodes`, () => scheduleOntoSimulatedNodes(ctx, `bench-sim-${nodes}-lab`, 'lab-scheduler')));
          } finally {
            await lab.stop();
          }
        }));
      }
    },
  },
};
