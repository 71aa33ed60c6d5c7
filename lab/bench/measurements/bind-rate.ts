/** bind-rate: pods bound per second for 100 pending pods, lab-scheduler vs default-scheduler. */
import { inWatchedNamespace } from '../cluster.js';
import type { BenchContext, BenchMeasurement } from '../measurement.js';
import { benchPod, bindRate, inParallel, numberedNames } from '../workloads.js';

const BIND_PODS = 100;

/** BIND_PODS pending pods for `schedulerName`: pods bound per second. */
function bindThroughput(ctx: BenchContext, ns: string, schedulerName: string): Promise<number | undefined> {
  return inWatchedNamespace(ctx, ns, async (watch) => {
    const createdAt: number[] = [];
    await inParallel(numberedNames('bind', BIND_PODS), 20, async (name) => {
      createdAt.push(performance.now());
      await ctx.admin.core.createNamespacedPod({ namespace: ns, body: benchPod(ns, name, schedulerName) });
    });
    await watch.until((w) => w.bound.size >= BIND_PODS, ctx.timeoutMs, `${BIND_PODS} pods bound by ${schedulerName}`);
    return bindRate(createdAt, [...watch.bound.values()]);
  });
}

export const bindRateMeasurement: BenchMeasurement = {
  id: 'bind-rate',
  measures: [`pods bound per second for ${BIND_PODS} pending pods, lab-scheduler vs default-scheduler`],
  options: ['--timeout'],
  rows: () => [
    {
      id: 'bind-rate', title: `pods bound per second (${BIND_PODS} pending pods)`, unit: 'pods/s', higherIsBetter: true,
      note: 'bound pods / (last binding seen − first pod create), pods created 20 at a time',
    },
  ],
  async builtin(ctx, [row]) {
    row!.builtin = await ctx.progress.step(`default-scheduler: bind ${BIND_PODS} pods`, () => bindThroughput(ctx, 'bench-bind-builtin', 'default-scheduler'));
  },
  lab: {
    inSharedLab: true,
    async run(ctx, [row]) {
      row!.lab = await ctx.progress.step(`lab-scheduler: bind ${BIND_PODS} pods`, () => bindThroughput(ctx, 'bench-bind-lab', 'lab-scheduler'));
    },
  },
};
