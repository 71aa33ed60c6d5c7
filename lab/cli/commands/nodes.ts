import { Command } from 'commander';
import chalk from 'chalk';
import { renderTable } from '../../base/table.js';
import { parseAddOptions, parseRemoveCount, type RawAddOptions } from '../../cluster/simulated-nodes/options.js';
import { addSimulatedNodes, listNodes, removeSimulatedNodes } from '../../cluster/simulated-nodes/simulated-nodes.js';
import { emit, outputOption, printResult, type OutputFormat } from '../output.js';
import { examples } from '../help.js';
import { Progress, seconds } from '../../base/progress.js';

function zonesText(zones: Record<string, number>): string {
  return Object.entries(zones).map(([zone, n]) => `${zone} ×${n}`).join(', ');
}

export function register(program: Command): void {
  const nodes = program
    .command('nodes')
    .description('the cluster\'s nodes, real and simulated: simulated nodes (kwok) have no kubelet and no containers, so hundreds fit on one machine')
    .addHelpText('after', [
      '',
      'Examples:',
      '  $ npx lab nodes add --simulated 100 --zones zone-a,zone-b,zone-c',
      '  $ npx lab nodes list',
      '  $ npx lab nodes remove --simulated all',
      '',
      '(`npx lab node exec` works inside the real nodes\' containers.)',
    ].join('\n'));
  nodes
    .command('add')
    .description('add simulated nodes run by kwok (built from its Go module, run in the control-plane node); pods bound to them are Running at once, without a kubelet')
    .requiredOption('--simulated <N>', 'how many simulated nodes to add (named kwok-node-0001, ...; labelled type=kwok)')
    .option('--cpu <cores>', 'allocatable CPU of each (cores or millicores)', '32')
    .option('--memory <bytes>', 'allocatable memory of each (e.g. 256Gi)', '256Gi')
    .option('--pods <n>', 'how many pods each takes', '110')
    .option('--zones <a,b,...>', 'spread them round-robin over these zones (label topology.kubernetes.io/zone)')
    .option('--labels <k=v,...>', 'more labels for each')
    .option('--taints <k=v:Effect,...>', 'taints for each (none by default: any pod may land there)')
    .addOption(outputOption())
    .addHelpText('after', [
      '',
      'Examples:',
      '  $ npx lab nodes add --simulated 3 --zones a,b',
      '  $ npx lab nodes add --simulated 100 --cpu 8 --memory 32Gi --zones zone-a,zone-b,zone-c',
      '  $ npx lab nodes add --simulated 10 --taints kwok.x-k8s.io/node=fake:NoSchedule   # only pods that tolerate it land there',
      '',
      'Pods land on simulated nodes like on real ones. To keep a workload off them, give it a node',
      'affinity `type NotIn [kwok]`, or add the nodes with a taint it does not tolerate. To put one there:',
      'nodeSelector `type: kwok`. N larger than this machine\'s memory allows is refused with the estimate.',
    ].join('\n'))
    .action(async (opts: RawAddOptions & { output: OutputFormat }) => {
      const result = await addSimulatedNodes(parseAddOptions(opts), new Progress());
      emit(opts.output, result, (r) => [
        chalk.green(`added ${r.added.length} simulated node(s) in ${seconds(r.timings.totalMs)}`) + ` (create ${seconds(r.timings.createMs)}, Ready ${seconds(r.timings.readyMs)})`,
        `  names    ${r.added[0]}${r.added.length > 1 ? ` … ${r.added.at(-1)}` : ''}; ${r.simulatedTotal} simulated in all`,
        ...(Object.keys(r.zones).length ? [`  zones    ${zonesText(r.zones)}`] : []),
        `  kwok     ${r.kwok.version}, pid ${r.kwok.pid ?? '?'} in ${r.kwok.node}, ${r.kwok.rssMiB ?? '?'} MiB${r.kwok.changed.length ? ` (${r.kwok.changed.join(', ')})` : ''}`,
        `  memory   estimate ${Math.round(r.memory.estimateMiB)} MiB of ${Math.round(r.memory.limitMiB)} MiB allowed`,
        'see: npx lab nodes list',
      ].join('\n'));
    });
  nodes
    .command('remove')
    .description('remove simulated nodes (the newest first), with the pods bound to them; with none left, kwok goes too')
    .requiredOption('--simulated <N|all>', 'how many to remove, or all (also those a crashed add left behind)')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab nodes remove --simulated 10', 'npx lab nodes remove --simulated all'))
    .action(async (opts: { simulated: string; output: OutputFormat }) => {
      const result = await removeSimulatedNodes(parseRemoveCount(opts.simulated), new Progress());
      emit(opts.output, result, (r) => [
        r.removed.length ? chalk.green(`removed ${r.removed.length} simulated node(s) in ${seconds(r.timings.totalMs)}`) + (r.podsDeleted ? ` and the ${r.podsDeleted} pod(s) bound to them` : '') : 'no simulated nodes to remove',
        `  ${r.simulatedLeft} simulated node(s) left${r.kwokRemoved ? '; kwok removed from the control-plane node' : ''}`,
      ].join('\n'));
    });
  nodes
    .command('list')
    .description('every node: real or simulated, Ready, zone, allocatable CPU/memory/pods, pods bound, taints; and kwok\'s state')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab nodes list', 'npx lab nodes list --output json | jq \'.zones\''))
    .action(printResult(listNodes, (r) => {
      const header = ['NAME', 'KIND', 'READY', 'ZONE', 'CPU', 'MEMORY', 'PODS', 'TAINTS'];
      const rows = r.nodes.map((n) => [n.name, n.kind, n.ready ? 'yes' : 'no', n.zone ?? '-', n.cpu ?? '-', n.memory ?? '-', `${n.pods}/${n.maxPods ?? '?'}`, n.taints.join(',') || '-']);
      return [
        renderTable(header, rows),
        '',
        `${r.real} real, ${r.simulated} simulated${Object.keys(r.zones).length && r.simulated ? ` (${zonesText(r.zones)})` : ''}`,
        r.kwok.active
          ? `kwok: running in ${r.kwok.node} (pid ${r.kwok.pid}, ${r.kwok.rssMiB ?? '?'} MiB, restarts ${r.kwok.restarts ?? 0})`
          : r.simulated
            ? chalk.yellow(`kwok: not running in ${r.kwok.node}: the simulated nodes will go NotReady (npx lab nodes add --simulated 1 starts it again; npx lab nodes remove --simulated all removes them)`)
            : 'kwok: not running (no simulated nodes)',
      ].join('\n');
  }));
}
