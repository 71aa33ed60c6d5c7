/**
 * The actions on simulated nodes (kwok), through the same cluster layer as `lab nodes`. Adding is
 * idempotent: an exercise's solution run twice must not double the nodes, so it adds only what is
 * missing to reach `count`.
 */
import { Progress, seconds } from '../base/progress.js';
import { parseAddOptions } from '../cluster/simulated-nodes/options.js';
import { addSimulatedNodes, listNodes, removeSimulatedNodes } from '../cluster/simulated-nodes/simulated-nodes.js';
import type { Action } from './action-schema.js';
import type { ActionOutcome } from './ports.js';

/** Pure: how many to add so that `want` simulated nodes exist. */
export function missingNodes(want: number, have: number): number {
  return Math.max(0, want - have);
}

export async function ensureSimulatedNodes(action: Extract<Action, { type: 'addSimulatedNodes' }>, command: string): Promise<ActionOutcome> {
  const have = (await listNodes()).simulated;
  const add = missingNodes(action.count, have);
  if (add === 0) return { command, ok: true, output: `${have} simulated node(s) already there: nothing to add` };
  const spec = parseAddOptions({ simulated: String(add), ...(action.zones?.length ? { zones: action.zones.join(',') } : {}) });
  const result = await addSimulatedNodes(spec, new Progress());
  const zones = Object.entries(result.zones).map(([zone, n]) => `${zone} ×${n}`).join(', ');
  return { command, ok: true, output: `added ${result.added.length} simulated node(s) in ${seconds(result.timings.totalMs)}; ${result.simulatedTotal} in all${zones ? ` (${zones})` : ''}` };
}

export async function removeAllSimulatedNodes(command: string): Promise<ActionOutcome> {
  const result = await removeSimulatedNodes('all', new Progress());
  return { command, ok: true, output: result.removed.length ? `removed ${result.removed.length} simulated node(s)${result.podsDeleted ? ` and the ${result.podsDeleted} pod(s) bound to them` : ''}` : 'no simulated nodes to remove' };
}
