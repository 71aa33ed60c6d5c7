import { Command } from 'commander';
import chalk from 'chalk';
import { registryDown } from '../../cluster/registry/down.js';
import { parseListen } from '../../cluster/registry/mirror-url.js';
import { parsePort } from '../../cluster/registry/port.js';
import { registryStatus } from '../../cluster/registry/status.js';
import { registryUp } from '../../cluster/registry/up.js';
import { emit, outputOption, printResult, type OutputFormat } from '../output.js';
import { example, examples } from '../help.js';
import { Progress, seconds } from '../../base/progress.js';


export function register(program: Command): void {
  const registry = program
    .command('registry')
    .description('a local image registry (distribution, built from Go modules) that the kind nodes pull registry.k8s.io, docker.io and lab.local images through')
    .addHelpText('after', example('npx lab registry up && npx lab registry status'));
  registry
    .command('up')
    .description('build and start the registry, push the workload images into it, point every node\'s containerd at it (safe to repeat)')
    .option('--port <port>', 'TCP port to listen on (default 5001)', parsePort)
    .option('--listen <addr>', 'address to listen on (default 0.0.0.0: the kind nodes reach it through the kind network\'s gateway)', parseListen)
    .addOption(outputOption())
    .addHelpText('after', [
      '',
      'Examples:',
      '  $ npx lab registry up                  # http://127.0.0.1:5001; the nodes pull through http://<kind gateway>:5001',
      '  $ npx lab registry up --port 5050',
      '  $ LAB_REGISTRY_MIRROR=http://teacher-host:5001 npx lab up   # a classroom: every cluster pulls through one registry',
    ].join('\n'))
    .action(async (opts: { port?: number; listen?: string; output: OutputFormat }) => {
      const result = await registryUp(new Progress(), { ...(opts.port ? { port: opts.port } : {}), ...(opts.listen ? { listen: opts.listen } : {}) });
      emit(opts.output, result, (r) => [
        `${chalk.green(`registry ${r.alreadyRunning ? 'was already up' : 'is up'}`)}: ${r.url} (pid ${r.pid}, ${seconds(r.timings.totalMs)}; build ${r.binary.cached ? 'cached' : seconds(r.timings.buildMs)})`,
        ...r.images.map((i) => `  pushed   ${i.image} → ${i.repository}:${i.tag}${i.digest ? ` ${i.digest.slice(0, 19)}` : ''} (${seconds(i.durationMs)})`),
        ...(r.nodeMirrorUrl ? [`  nodes    ${r.nodes.map((n) => n.node + (n.restartedContainerd ? ' (containerd restarted)' : '')).join(', ')} pull through ${r.nodeMirrorUrl}`] : []),
        ...r.notes.map((n) => `  note     ${n}`),
        `  log      ${r.logFile}`,
        'see: npx lab registry status',
      ].join('\n'));
    });
  registry
    .command('down')
    .description('stop the registry and remove the nodes\' hosts.toml files the lab wrote; the stored images stay for the next up')
    .addOption(outputOption())
    .addHelpText('after', example('npx lab registry down && npx lab registry status'))
    .action(printResult(() => registryDown(new Progress()), (r) => [
      r.stopped === 'not running' ? 'the registry was not running' : `registry stopped (pid ${r.pid}, ${r.stopped})`,
      ...r.nodes.filter((n) => n.removed.length).map((n) => `  ${n.node}: mirror removed for ${n.removed.join(', ')}`),
      ...r.notes.map((n) => `  note: ${n}`),
      `images kept in ${r.dataDir}`,
    ].join('\n')));
  registry
    .command('status')
    .description('is the registry running (pid alive and /v2/ answering), what it serves, which nodes pull through it')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab registry status', 'npx lab registry status --output json | jq ".repositories"'))
    .action(printResult(registryStatus, (s) => [
      ...(s.cleaned ? [chalk.dim(s.cleaned)] : []),
      s.running ? `${chalk.green('registry: running')} ${s.url} (pid ${s.pid}, distribution ${s.version}, since ${s.startedAt})` : `${chalk.yellow('registry: not running')}${s.problem ? ` (${s.problem})` : ''}`,
      ...(s.running ? [s.repositories.length ? 'serves:' : 'serves: nothing yet', ...s.repositories.map((r) => `  ${r.name}: ${r.tags.join(', ') || '(no tags)'}`)] : []),
      ...(s.nodes.length
        ? ['nodes:', ...s.nodes.map((n) => `  ${n.node.padEnd(22)} ${Object.keys(n.mirrors).length ? `${n.usesThisRegistry ? 'pulls through it' : 'pulls through another mirror'}: ${Object.entries(n.mirrors).map(([h, u]) => `${h} → ${u}`).join(', ')}` : 'no mirror configured'}`)]
        : ['nodes: no running kind cluster']),
      ...(s.running ? [] : ['start it: npx lab registry up']),
    ].join('\n')));
}
