/**
 * nodeOfPod: where the selected pods landed: each must be bound to a node that has (or lacks)
 * the given labels and taints, or whose name matches.
 */
import { z } from 'zod';
import { isTerminating, nodeNameOf, valueAt, type KubeObject, type Snapshot } from '../snapshot.js';
import { describeFilter, matchesFilter } from '../selectors.js';
import { checkObject, objectFilterFields, regexField, type CheckResult } from './types.js';

export const nodeOfPodSchema = checkObject('nodeOfPod', {
  ...objectFilterFields,
  nodeLabels: z.record(z.string(), z.string()).optional(),
  nodeWithoutLabels: z.array(z.string().min(1)).optional(),
  nodeTaints: z.array(z.string().min(1)).optional(),
  nodeWithoutTaints: z.array(z.string().min(1)).optional(),
  nodeName: regexField.optional(),
  notNodeName: regexField.optional(),
  minPods: z.number().int().positive().default(1),
}).refine(
  (c) => [c.nodeLabels, c.nodeWithoutLabels, c.nodeTaints, c.nodeWithoutTaints, c.nodeName, c.notNodeName].some((x) => x !== undefined),
  { message: 'give at least one node requirement (nodeLabels, nodeWithoutLabels, nodeTaints, nodeWithoutTaints, nodeName, notNodeName)' },
);

export type NodeOfPodCheck = z.infer<typeof nodeOfPodSchema>;

function taintKeys(node: KubeObject): string[] {
  const taints = valueAt(node, 'spec.taints');
  return Array.isArray(taints) ? taints.map((t) => String((t as { key?: unknown }).key)) : [];
}

/** What is wrong with a node for this check, or [] if it fits. */
function nodeProblems(check: NodeOfPodCheck, node: KubeObject): string[] {
  const labels = node.metadata.labels ?? {};
  const taints = taintKeys(node);
  const name = node.metadata.name;
  const problems: string[] = [];
  for (const [key, value] of Object.entries(check.nodeLabels ?? {})) {
    if (labels[key] !== value) problems.push(`label ${key}=${labels[key] ?? '(none)'}, not ${value}`);
  }
  for (const key of check.nodeWithoutLabels ?? []) if (key in labels) problems.push(`has label ${key}`);
  for (const key of check.nodeTaints ?? []) if (!taints.includes(key)) problems.push(`no taint ${key}`);
  for (const key of check.nodeWithoutTaints ?? []) if (taints.includes(key)) problems.push(`has taint ${key}`);
  if (check.nodeName && !new RegExp(check.nodeName).test(name)) problems.push(`name does not match /${check.nodeName}/`);
  if (check.notNodeName && new RegExp(check.notNodeName).test(name)) problems.push(`name matches /${check.notNodeName}/`);
  return problems;
}

function describeRequirements(check: NodeOfPodCheck): string {
  const parts: string[] = [];
  if (check.nodeLabels) parts.push(`labels ${Object.entries(check.nodeLabels).map(([k, v]) => `${k}=${v}`).join(',')}`);
  if (check.nodeWithoutLabels) parts.push(`without labels ${check.nodeWithoutLabels.join(',')}`);
  if (check.nodeTaints) parts.push(`taints ${check.nodeTaints.join(',')}`);
  if (check.nodeWithoutTaints) parts.push(`without taints ${check.nodeWithoutTaints.join(',')}`);
  if (check.nodeName) parts.push(`name ~ /${check.nodeName}/`);
  if (check.notNodeName) parts.push(`name !~ /${check.notNodeName}/`);
  return parts.join('; ');
}

export function evaluateNodeOfPod(check: NodeOfPodCheck, snapshot: Snapshot): CheckResult {
  const expected = `at least ${check.minPods} pod(s) (${describeFilter(check)}), each on a node with ${describeRequirements(check)}`;
  const pods = snapshot.objects.Pod.filter((p) => !isTerminating(p) && matchesFilter(p, check));
  const lines: string[] = [];
  let bad = 0;
  for (const pod of pods) {
    const nodeName = nodeNameOf(pod);
    const node = nodeName ? snapshot.objects.Node.find((n) => n.metadata.name === nodeName) : undefined;
    const problems = !nodeName ? ['not bound to a node'] : !node ? [`node ${nodeName} not found`] : nodeProblems(check, node);
    if (problems.length) bad++;
    lines.push(`${pod.metadata.name} on ${nodeName ?? '-'}${problems.length ? ` (${problems.join(', ')})` : ' (ok)'}`);
  }
  return {
    pass: bad === 0 && pods.length >= check.minPods,
    expected,
    saw: pods.length ? lines.slice(0, 6).join('; ') : `no pods (${describeFilter(check)})`,
  };
}
