/**
 * Actions the lab can perform for the learner (a step's `action`, the worked `solution`, an
 * exercise's `cleanup`). Each is one small, visible operation, spelled as the kubectl command it
 * stands for wherever there is one. `{{namespace}}` (and the workload image's placeholders, see withPlaceholders) in any string is replaced by the exercise's
 * namespace.
 */
import { kubectlCommandSuffix, WORKLOAD, type WorkloadImage } from '../cluster/workload-image.js';
import { z } from 'zod';
import { LAB_NAMESPACE } from '../run/components.js';
import { leaseNameField } from './checks/types.js';

const name = z.string().min(1);
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export const actionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('apply'), manifest: z.string().min(1) }).strict(),
  z.object({ type: z.literal('kubectl'), args: z.array(z.string()).min(1) }).strict(),
  z
    .object({ type: z.literal('delete'), resource: name, name: name.optional(), selector: z.string().min(1).optional(), wait: z.boolean().default(false) })
    .strict()
    .refine((a) => (a.name === undefined) !== (a.selector === undefined), { message: 'give exactly one of `name`, `selector`' }),
  z.object({ type: z.literal('scale'), resource: name.default('deployment'), name, replicas: z.number().int().nonnegative() }).strict(),
  z
    .object({
      type: z.literal('killContainer'),
      /** Label selector for the pod; the first running one (by name) is used. */
      selector: z.string().min(1),
      container: name,
      signal: z.enum(['SIGKILL', 'SIGTERM']).default('SIGKILL'),
    })
    .strict(),
  z.object({ type: z.literal('cordon'), node: name }).strict(),
  z.object({ type: z.literal('uncordon'), node: name }).strict(),
  z
    .object({ type: z.literal('taint'), node: name, key: name, value: z.string().optional(), effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']) })
    .strict(),
  z.object({ type: z.literal('untaint'), node: name, key: name, effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional() }).strict(),
  z.object({ type: z.literal('labelNode'), node: name, labels: z.record(z.string(), z.string().nullable()) }).strict(),
  z
    .object({
      type: z.literal('wait'),
      /** kubectl wait's target: `deployment/web`, `pod -l app=web` is `pods` + selector. */
      target: name,
      selector: z.string().min(1).optional(),
      /** kubectl wait's --for: `condition=Available`, `delete`, `jsonpath={.status.readyReplicas}=3`. */
      for: name,
      timeoutSeconds: z.number().int().positive().default(120),
    })
    .strict(),
  z.object({ type: z.literal('sleep'), seconds: z.number().positive().max(600) }).strict(),
  z.object({ type: z.literal('builtinControllers'), enabled: z.boolean() }).strict(),
  /**
   * A second `lab run`, detached, tracing to <state>/trace/standby.jsonl; done once each component
   * leads or waits as a standby. With `scheduler`: only a scheduler, serving `name` with the
   * plugins of `file` (as a learner's second terminal would run it), tracing to
   * <state>/trace/scheduler-<name>.jsonl; done once it leads its Lease.
   */
  z
    .object({
      type: z.literal('startLab'),
      timeoutSeconds: z.number().int().positive().default(120),
      scheduler: z.object({ file: name, name: z.string().regex(DNS_LABEL, 'a scheduler name is a DNS label (lowercase letters, digits, -)') }).strict().optional(),
    })
    .strict(),
  /** `lab nodes add --simulated count` (kwok): nodes without a kubelet, round-robin over `zones`. */
  z.object({ type: z.literal('addSimulatedNodes'), count: z.number().int().positive().max(1000), zones: z.array(name).optional() }).strict(),
  /** `lab nodes remove --simulated all`, with the pods bound to them. */
  z.object({ type: z.literal('removeSimulatedNodes') }).strict(),
  /** Signal the lab process on this host that holds the Lease (found through the presence records). */
  z.object({ type: z.literal('killLeader'), lease: leaseNameField, signal: z.enum(['SIGKILL', 'SIGTERM']).default('SIGKILL') }).strict(),
  /** Stop every lab the exercises started (SIGTERM, so it releases its Leases; SIGKILL after timeoutSeconds). */
  z.object({ type: z.literal('stopLab'), timeoutSeconds: z.number().int().positive().default(30) }).strict(),
]);

export type Action = z.infer<typeof actionSchema>;
export type ActionType = Action['type'];
export const ACTION_TYPES: readonly ActionType[] = [
  'apply', 'kubectl', 'delete', 'scale', 'killContainer', 'cordon', 'uncordon', 'taint', 'untaint', 'labelNode', 'wait', 'sleep', 'builtinControllers',
  'startLab', 'killLeader', 'stopLab', 'addSimulatedNodes', 'removeSimulatedNodes',
];

/** The command line an action stands for, shown to the learner before it runs. */
export function describeAction(action: Action, namespace: string): string {
  const ns = `-n ${namespace}`;
  switch (action.type) {
    case 'apply':
      return `kubectl apply ${ns} -f - <<EOF\n${action.manifest.trimEnd()}\nEOF`;
    case 'kubectl':
      return `kubectl ${action.args.join(' ')}`;
    case 'delete':
      return `kubectl delete ${ns} ${action.resource} ${action.name ?? `-l ${action.selector}`}${action.wait ? '' : ' --wait=false'}`;
    case 'scale':
      return `kubectl scale ${ns} ${action.resource}/${action.name} --replicas=${action.replicas}`;
    case 'killContainer':
      return `ctr -n k8s.io task kill --signal ${action.signal} <container id of ${action.container} in the pod -l ${action.selector}>  (on its node)`;
    case 'cordon':
      return `kubectl cordon ${action.node}`;
    case 'uncordon':
      return `kubectl uncordon ${action.node}`;
    case 'taint':
      return `kubectl taint nodes ${action.node} ${action.key}${action.value !== undefined ? `=${action.value}` : ''}:${action.effect} --overwrite`;
    case 'untaint':
      return `kubectl taint nodes ${action.node} ${action.key}${action.effect ? `:${action.effect}` : ''}-`;
    case 'labelNode':
      return `kubectl label nodes ${action.node} ${Object.entries(action.labels).map(([k, v]) => (v === null ? `${k}-` : `${k}=${v}`)).join(' ')} --overwrite`;
    case 'wait':
      return `kubectl wait ${ns} ${action.target}${action.selector ? ` -l ${action.selector}` : ''} --for=${action.for} --timeout=${action.timeoutSeconds}s`;
    case 'sleep':
      return `sleep ${action.seconds}`;
    case 'builtinControllers':
      return `npx lab controllers builtin ${action.enabled ? 'on' : 'off'}`;
    case 'startLab':
      return action.scheduler
        ? `npx lab run --only scheduler --scheduler ${action.scheduler.file} --scheduler-name ${action.scheduler.name} --trace <state>/trace/scheduler-${action.scheduler.name}.jsonl &  (in the background; its output goes to <state>/exercises/scheduler-${action.scheduler.name}.log)`
        : 'npx lab run --trace <state>/trace/standby.jsonl  (a second lab, in the background; its output goes to <state>/exercises/standby-lab.log)';
    case 'addSimulatedNodes':
      return `npx lab nodes add --simulated ${action.count}${action.zones?.length ? ` --zones ${action.zones.join(',')}` : ''}`;
    case 'removeSimulatedNodes':
      return 'npx lab nodes remove --simulated all';
    case 'killLeader':
      return `kill -${action.signal.replace(/^SIG/, '')} <pid of the lab process holding Lease ${LAB_NAMESPACE}/${action.lease}>  (npx lab status lists it)`;
    case 'stopLab':
      return 'kill <pid of each lab the exercise started>  (SIGTERM: it releases its Leases)';
  }
}

/**
 * Fills the placeholders in every string of an action: `{{namespace}}` (the exercise's namespace)
 * and the workload image (lab/cluster/workload-image.ts): `{{image}}`, `{{imageArgs}}` (its args as
 * a YAML flow sequence, for a manifest's `args:`) and `{{imageCommand}}` (what follows
 * `kubectl create deployment ... --image={{image}}`).
 */
export function withPlaceholders<T>(value: T, namespace: string, workload: WorkloadImage = WORKLOAD): T {
  if (typeof value === 'string') {
    return value
      .replaceAll('{{namespace}}', namespace)
      .replaceAll('{{imageArgs}}', JSON.stringify(workload.args))
      .replaceAll('{{imageCommand}}', kubectlCommandSuffix(workload))
      .replaceAll('{{image}}', workload.image) as T;
  }
  if (Array.isArray(value)) return value.map((v) => withPlaceholders(v, namespace, workload)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPlaceholders(v, namespace, workload)])) as T;
  }
  return value;
}
