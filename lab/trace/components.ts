/**
 * The components level: the full diagram's messages reduced to one arrow per hop and object kind,
 * folded per pod set (web-77df657bb8-*) and per component (every kubelet is one lane), with the
 * housekeeping left out: objects other than Deployments, ReplicaSets and Pods (the ServiceAccount
 * and ConfigMap of a new namespace, Events, Leases), reads (kubectl's probes, the kubelet's gets),
 * failed requests and notes. Repeated etcd PUTs and status writes collapse into one arrow each.
 */
import { actorRank } from './actors.js';
import { OwnerIndex } from './correlate.js';
import { mermaidText, originOf, participantId, sequenceDiagram, sequenceMessages, timeSpan, type ArrowStyle, type Message } from './export/mermaid.js';
import { objectKeyOf, type Actor, type TraceEntry } from './schema.js';

const STORY_KINDS = new Set(['Deployment', 'ReplicaSet', 'Pod']);
const READS = new Set(['get', 'list', 'watch']);

export interface ComponentArrow {
  from: string;
  to: string;
  arrow: ArrowStyle;
  /** What goes across, e.g. 'create Pod web-77df657bb8-*', 'watch Pod web-77df657bb8-*'. */
  label: string;
  /** The distinct verbs folded into it (ADDED, MODIFIED; /tasks/create, /tasks/start). */
  verbs: string[];
  count: number;
  firstMs: number;
  lastMs: number;
  entryIds: number[];
}

function isHousekeeping(m: Message): boolean {
  const e = m.entry;
  if (m.kind !== 'arrow' || m.arrow === '-x') return true;
  if (!STORY_KINDS.has(e.object.kind)) return true;
  return READS.has(e.verb);
}

function laneOf(actor: Actor): string {
  if (actor.startsWith('kubelet@')) return 'kubelet';
  if (actor.startsWith('containerd@')) return 'containerd';
  return actor;
}

/** A lane's place, left to right: the rank of the actors it stands for. */
function laneRank(lane: string): number {
  if (lane === 'kubelet') return actorRank('kubelet@node');
  if (lane === 'containerd') return actorRank('containerd@node');
  return actorRank(lane as Actor);
}

/** Pods of one ReplicaSet are one set ('web-77df657bb8-*'); other objects keep their names. */
function setNameOf(e: TraceEntry, owners: OwnerIndex): string {
  if (e.object.kind !== 'Pod') return e.object.name;
  const owner = owners.ownerOf(objectKeyOf(e.object));
  return owner?.startsWith('ReplicaSet/') ? `${owner.slice(owner.lastIndexOf('/') + 1)}-*` : e.object.name;
}

/** What the hop carries, without the verbs that fold into it. */
function hopOf(m: Message, set: string): { label: string; verb: string } {
  const e = m.entry;
  const kind = e.object.kind;
  if (e.tap === 'informer') return { label: `watch ${kind} ${set}`, verb: e.verb };
  if (e.tap === 'containerd') return { label: `${e.details.containerKind === 'sandbox' ? 'sandbox' : 'containers'} of ${set}`, verb: e.verb };
  const isStatus = e.details.subresource === 'status' || (e.tap === 'kubelet' && e.verb === 'status');
  if (isStatus) return { label: `status ${kind} ${set}`, verb: e.verb };
  if (e.details.subresource === 'binding') return { label: `bind Pod ${set}`, verb: 'bind' };
  return { label: `${e.verb} ${kind} ${set}`, verb: e.verb };
}

export function componentArrows(entries: readonly TraceEntry[]): ComponentArrow[] {
  const owners = new OwnerIndex();
  for (const e of entries) owners.observe(e);
  const arrows = new Map<string, ComponentArrow>();
  for (const m of sequenceMessages(entries)) {
    if (isHousekeeping(m)) continue;
    const from = laneOf(m.from);
    const to = laneOf(m.to!);
    const { label, verb } = hopOf(m, setNameOf(m.entry, owners));
    const key = `${from}|${to}|${m.arrow}|${label}`;
    const arrow = arrows.get(key) ?? { from, to, arrow: m.arrow!, label, verbs: [], count: 0, firstMs: m.tMs, lastMs: m.tMs, entryIds: [] };
    arrow.count++;
    arrow.firstMs = Math.min(arrow.firstMs, m.tMs);
    arrow.lastMs = Math.max(arrow.lastMs, m.tMs);
    if (!arrow.verbs.includes(verb)) arrow.verbs.push(verb);
    arrow.entryIds.push(m.entry.id);
    arrows.set(key, arrow);
  }
  return [...arrows.values()];
}

/** 'watch Pod web-* (ADDED, MODIFIED) ×9' */
export function componentLabel(a: ComponentArrow): string {
  const verbs = a.verbs.length > 1 || !a.label.startsWith(a.verbs[0] ?? '') ? ` (${a.verbs.join(', ')})` : '';
  return `${a.label}${verbs}${a.count > 1 ? ` ×${a.count}` : ''}`;
}

export function toComponentsMermaid(entries: readonly TraceEntry[], title?: string): string {
  const arrows = componentArrows(entries);
  const originMs = originOf(entries);
  const lanes = [...new Set(arrows.flatMap((a) => [a.from, a.to]))].sort((a, b) => laneRank(a) - laneRank(b) || a.localeCompare(b));
  const body = arrows.map((a) => `${participantId(a.from as Actor)}${a.arrow}${participantId(a.to as Actor)}: ${mermaidText(`${componentLabel(a)} ${timeSpan(a.firstMs, a.lastMs, originMs)}`)}`);
  return sequenceDiagram(title, lanes.map((l) => ({ id: participantId(l as Actor), name: l })), body);
}

/** One line per arrow: '+208…3105ms  api-server → deployment-controller  watch Deployment web (ADDED, MODIFIED) ×7'. */
export function componentsText(entries: readonly TraceEntry[]): string {
  const originMs = originOf(entries);
  return componentArrows(entries).map((a) => `${timeSpan(a.firstMs, a.lastMs, originMs).padEnd(16)} ${a.from} → ${a.to}  ${componentLabel(a)}\n`).join('');
}
