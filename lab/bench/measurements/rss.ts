/** rss: memory with 2,000 pods in the caches, the lab's process vs kube-controller-manager + kube-scheduler. */
import { startLab } from '../../run/lab-process.js';
import { builtinComponentsRssMiB } from '../cluster.js';
import type { BenchMeasurement } from '../measurement.js';
import { benchPod, inParallel, numberedNames, UNSCHEDULED } from '../workloads.js';

const RSS_PODS = 2000;

export const rss: BenchMeasurement = {
  id: 'rss',
  measures: ['memory with 2,000 pods in the caches'],
  options: ['--timeout'],
  rows: () => [{ id: 'rss', title: `memory with ${RSS_PODS} pods in the caches`, unit: 'MiB', higherIsBetter: false }],
  lab: {
    // Its pods stay until the bench's final clean-up: the registry runs it after the measurements they would disturb.
    async run(ctx, [row]) {
      const ns = await ctx.progress.step(`creating ${RSS_PODS} pods no scheduler serves`, async () => {
        const name = await ctx.namespace('bench-rss');
        await inParallel(numberedNames('rss', RSS_PODS), 50, (pod) => ctx.admin.core.createNamespacedPod({ namespace: name, body: benchPod(name, pod, UNSCHEDULED) }));
        return name;
      });
      (globalThis as { gc?: () => void }).gc?.();
      const baseline = process.memoryUsage().rss;
      const lab = startLab({ command: 'lab bench', only: ['deployment', 'replicaset', 'scheduler'] });
      try {
        await ctx.progress.step("starting the lab's components over those pods", () => lab.ready);
        await new Promise((r) => setTimeout(r, 2000));
        const used = process.memoryUsage().rss;
        row!.lab = used / 2 ** 20;
        row!.builtin = await builtinComponentsRssMiB();
        row!.note = `lab: this process's RSS after its informers synced (${Math.round((used - baseline) / 2 ** 20)} MiB more than before the lab started; the process also holds the bench); built-in: kube-controller-manager + kube-scheduler VmRSS on the control-plane node (they cache every resource they watch, not only pods: not like for like) — ns ${ns}`;
      } finally {
        await lab.stop();
      }
    },
  },
};
