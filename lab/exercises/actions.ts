/**
 * The action runner: each action is one kubectl call (or one command in a node for killing a
 * container, the cluster layer's switch for the built-in controllers, or a signal to a lab
 * process). Thin on purpose: the logic worth testing (which pod, which container id, which lab
 * process) is in pure helpers.
 */
import { kubectl } from '../cluster/kubectl.js';
import { execInNode } from '../cluster/nodes.js';
import { setBuiltinControllers } from '../cluster/builtin-controllers.js';
import { describeAction, type Action } from './action-schema.js';
import { kubectlArgsFor, containerToKill } from './action-args.js';
import { killLeader, startLab, stopLab } from './lab-actions.js';
import { ensureSimulatedNodes, removeAllSimulatedNodes } from './node-actions.js';
import type { ActionOutcome, ActionRunner } from './ports.js';
import type { KubeObject } from './snapshot.js';

async function runKubectl(command: string, args: string[], input?: string): Promise<ActionOutcome> {
  const result = await kubectl(args, { ...(input !== undefined ? { input } : {}), reject: false });
  const output = [result.stdout.trim(), result.stderr.trim()].filter(Boolean).join('\n');
  return { command, ok: result.exitCode === 0, output };
}

export class KubectlActionRunner implements ActionRunner {
  async run(action: Action, namespace: string): Promise<ActionOutcome> {
    const command = describeAction(action, namespace);
    try {
      switch (action.type) {
        case 'sleep':
          await new Promise((resolve) => setTimeout(resolve, action.seconds * 1000));
          return { command, ok: true, output: '' };
        case 'builtinControllers': {
          const state = await setBuiltinControllers(action.enabled);
          return { command, ok: true, output: `controllers flag: ${state.controllersFlag}` };
        }
        case 'killContainer':
          return await this.killContainer(action, namespace, command);
        case 'startLab':
          return await startLab(action, command);
        case 'killLeader':
          return await killLeader(action, command);
        case 'stopLab':
          return await stopLab(action, command);
        case 'addSimulatedNodes':
          return await ensureSimulatedNodes(action, command);
        case 'removeSimulatedNodes':
          return await removeAllSimulatedNodes(command);
        case 'apply':
          return await runKubectl(command, kubectlArgsFor(action, namespace), action.manifest);
        default:
          return await runKubectl(command, kubectlArgsFor(action, namespace));
      }
    } catch (error) {
      return { command, ok: false, output: error instanceof Error ? error.message : String(error) };
    }
  }

  private async killContainer(action: Extract<Action, { type: 'killContainer' }>, namespace: string, command: string): Promise<ActionOutcome> {
    const list = await kubectl(['get', 'pods', '-n', namespace, '-l', action.selector, '-o', 'json'], { reject: false });
    if (list.exitCode !== 0) return { command, ok: false, output: list.stderr.trim() };
    const pods = (JSON.parse(list.stdout) as { items: KubeObject[] }).items;
    const target = containerToKill(pods, action.container);
    if ('problem' in target) return { command, ok: false, output: target.problem };
    const result = await execInNode(target.node, ['ctr', '-n', 'k8s.io', 'task', 'kill', '--signal', action.signal, target.containerId]);
    return {
      command: `${command} → ctr task kill ${target.containerId.slice(0, 12)} on ${target.node} (pod ${target.pod})`,
      ok: result.exitCode === 0,
      output: [result.stdout.trim(), result.stderr.trim()].filter(Boolean).join('\n'),
    };
  }
}
