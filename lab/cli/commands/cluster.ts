import { Command } from 'commander';
import chalk from 'chalk';
import { down, up } from '../../cluster/lifecycle.js';
import { ensureMachineReady } from '../../cluster/setup.js';
import { decideImagePlan, describeClusterMode } from '../../cluster/images-record.js';
import { parseImageMode } from '../../cluster/image-plan.js';
import { loadKindConfig } from '../../cluster/kind-config.js';
import { clusterHealth, nodeMemoryMiB } from '../../cluster/health.js';
import { readBuiltinControllers, type BuiltinControllersState } from '../../cluster/builtin-controllers.js';
import { execInNodeForeground, listNodeContainers } from '../../cluster/nodes.js';
import { kubectlPassthrough } from '../../cluster/kubectl.js';
import { adminKubeconfigPath, CLUSTER_NAME } from '../../cluster/paths.js';
import { requireDocker } from '../../cluster/image/docker-images.js';
import { BadInputError } from '../../base/errors.js';
import { describeActivity, readLabActivity } from '../../run/presence.js';
import { clientsFor, loadKubeConfig } from '../../../controllers/shared/kube.js';
import { WORKLOAD } from '../../cluster/workload-image.js';
import { emit, outputOption, printResult } from '../output.js';
import { example, examples } from '../help.js';
import { Progress, seconds } from '../../base/progress.js';


export function register(program: Command): void {
  program
    .command('up')
    .description('bring up the lab\'s 3-node kind cluster; online (kind\'s node image, agnhost pulled) where the registries answer, else offline (images built here); reuses a healthy one')
    .option('--recreate', 'delete the cluster first and create it anew')
    .option('--image <image>', 'node image (default: $LAB_NODE_IMAGE, else kind\'s pinned kindest/node online or the one `lab image build` makes offline)')
    .option('--mode <mode>', 'online or offline instead of probing the registries (same as LAB_IMAGE_MODE)')
    .addOption(outputOption())
    .addHelpText('after', examples('npx lab up', 'npx lab up --recreate', 'LAB_IMAGE_MODE=offline npx lab up --recreate   # images built here, even where a registry answers', 'LAB_WORKLOAD_IMAGE=my.registry/web:1 npx lab up   # another workload image (HTTP on 8080, 200 on /healthz)') + '\n\nThe mode is decided by probing registry-1.docker.io and registry.k8s.io (3 s); `npx lab status` says which and why.')
    .action(async (opts: { recreate?: boolean; image?: string; mode?: string; output: 'text' | 'json' }) => {
      loadKindConfig(); // a kind-config.yaml that does not parse is bad input, before any set-up
      if (opts.mode) process.env.LAB_IMAGE_MODE = parseImageMode(opts.mode, '--mode');
      const progress = new Progress();
      const image = opts.image ?? process.env.LAB_NODE_IMAGE;
      const plan = await decideImagePlan(progress, { ...(image ? { nodeImage: image } : {}), recreate: !!opts.recreate });
      await ensureMachineReady(progress, { nodeImage: plan.nodeImage, skipIfClusterHealthy: !opts.recreate });
      const result = await up(progress, { recreate: !!opts.recreate, plan });
      emit(opts.output, result, (r) =>
        [
          `${chalk.green('cluster "' + r.cluster + '" is up')} (${r.created ? 'created' : 'reused'}, ${seconds(r.timings.totalMs)})`,
          ...r.nodes.map((n) => `  ${n.name.padEnd(22)} ${n.role.padEnd(14)} ${n.ready === true ? chalk.green('Ready') : chalk.red('NotReady')}`),
          `kubeconfig: ${r.kubeconfig}`,
          `try: npx lab kubectl -- get pods -A`,
        ].join('\n'),
      );
    });

  program
    .command('down')
    .description('delete the lab cluster (no cluster is not an error)')
    .addOption(outputOption())
    .addHelpText('after', example('npx lab down'))
    .action(printResult(() => down(new Progress()), (r) => (r.deleted ? `cluster "${CLUSTER_NAME}" deleted` : `no cluster "${CLUSTER_NAME}"`)));

  program
    .command('status')
    .description('nodes, readiness, node image, Kubernetes version, who runs Deployments now, which lab processes run and who leads')
    .addOption(outputOption())
    .option('--memory', 'also show the memory use of each node container')
    .addHelpText('after', examples('npx lab status', 'npx lab status --output json | jq .builtinControllers', 'npx lab status --output json | jq ".leaders, .labProcesses"'))
    .action(async (opts: { output: 'text' | 'json'; memory?: boolean }) => {
      await requireDocker();
      const health = await clusterHealth();
      let builtinControllers: BuiltinControllersState | undefined;
      if (health.exists && health.containers.some((c) => c.role === 'control-plane' && c.running)) {
        builtinControllers = await readBuiltinControllers().catch(() => undefined);
      }
      const activity = health.healthy ? await readLabActivity(clientsFor(loadKubeConfig(adminKubeconfigPath()), 'k8s-flow-lab/status').coordination).catch(() => undefined) : undefined;
      const memory = opts.memory && health.exists ? await nodeMemoryMiB(health.containers.filter((c) => c.running).map((c) => c.name)) : undefined;
      const owner = !builtinControllers
        ? 'unknown'
        : builtinControllers.deploymentController && builtinControllers.replicasetController
          ? 'kube-controller-manager (built-in)'
          : 'the lab (`npx lab run`), built-in deployment/replicaset controllers are off';
      const data = {
        cluster: CLUSTER_NAME,
        exists: health.exists,
        healthy: health.healthy,
        problems: health.problems,
        nodeImage: health.containers[0]?.image,
        images: { ...describeClusterMode(health.containers[0]?.image), workloadImage: WORKLOAD.image },
        kubernetesVersion: health.nodes.find((n) => n.kubeletVersion)?.kubeletVersion,
        nodes: health.nodes.map((n) => ({ ...n, ...(memory?.[n.name] !== undefined ? { memoryMiB: Math.round(memory[n.name]!) } : {}) })),
        builtinControllers,
        deploymentsOwnedBy: owner,
        leaders: activity?.leaders,
        labProcesses: activity?.processes,
        kubeconfig: adminKubeconfigPath(),
      };
      emit(opts.output, data, (d) => {
        if (!d.exists) return `no cluster "${d.cluster}" (start one: npx lab up)`;
        return [
          `cluster "${d.cluster}": ${d.healthy ? chalk.green('healthy') : chalk.red('not healthy')}`,
          ...d.problems.map((p) => chalk.red(`  ! ${p}`)),
          `node image: ${d.nodeImage}   Kubernetes: ${d.kubernetesVersion ?? 'unknown'}`,
          `images: ${d.images.mode ?? 'unknown'} mode (${d.images.reason}); workloads run ${d.images.workloadImage}`,
          ...d.nodes.map(
            (n) =>
              `  ${n.name.padEnd(22)} ${n.role.padEnd(14)} ${n.ready === true ? chalk.green('Ready') : n.ready === 'unknown' ? chalk.yellow('Unknown') : chalk.red('NotReady')}` +
              ('memoryMiB' in n ? `  ${n.memoryMiB} MiB` : ''),
          ),
          d.builtinControllers
            ? `built-in deployment-controller: ${d.builtinControllers.deploymentController ? 'on' : 'off'}, replicaset-controller: ${d.builtinControllers.replicasetController ? 'on' : 'off'}`
            : 'built-in controllers: unknown',
          `Deployments are reconciled by: ${d.deploymentsOwnedBy}`,
          ...(activity ? describeActivity(activity, new Date()) : []),
          `kubeconfig: ${d.kubeconfig}`,
        ].join('\n');
      });
      if (health.exists && !health.healthy) process.exitCode = 1;
    });

  program
    .command('kubeconfig')
    .description('print the path of the kubeconfig the lab owns (it never touches ~/.kube/config)')
    .addHelpText('after', example('export KUBECONFIG=$(npx lab kubeconfig); kubectl get nodes'))
    .action(() => {
      process.stdout.write(adminKubeconfigPath() + '\n');
    });

  program
    .command('kubectl')
    .description('run the cluster-matched kubectl (v1.34) with the lab\'s kubeconfig')
    .argument('[args...]', 'kubectl arguments (after --)')
    .allowUnknownOption()
    .addHelpText('after', examples('npx lab kubectl -- get pods -A -o wide', 'cat deployment.yaml | npx lab kubectl -- apply -f -'))
    .action(async (args: string[]) => {
      process.exitCode = await kubectlPassthrough(args);
    });

  const node = program.command('node').description('work inside the kind node containers');
  node
    .command('list')
    .description('list the node containers')
    .addOption(outputOption())
    .addHelpText('after', example('npx lab node list'))
    .action(printResult(listNodeContainers, (ns) => ns.map((n) => `${n.name}\t${n.role}\t${n.running ? 'running' : 'stopped'}`).join('\n') || 'no nodes'));
  node
    .command('exec')
    .description('run a command inside a node (like docker exec)')
    .argument('<node>', 'node container name, e.g. lab-worker')
    .argument('<command...>', 'command and arguments (after --)')
    .addHelpText('after', examples('npx lab node exec lab-worker -- ctr -n k8s.io containers list', 'npx lab node exec lab-control-plane -- journalctl -u kubelet -n 20', 'cat policy.yaml | npx lab node exec lab-control-plane -- sh -c "cat > /tmp/policy.yaml"'))
    .action(async (name: string, command: string[]) => {
      const known = await listNodeContainers();
      if (!known.some((n) => n.name === name)) {
        throw new BadInputError(`no node named "${name}"`, `use one of: ${known.map((n) => n.name).join(', ') || '(none: npx lab up)'}`);
      }
      process.exitCode = await execInNodeForeground(name, command);
    });
}
