/**
 * The story as a Mermaid sequenceDiagram, in the style of the classic "kubectl → API server →
 * etcd → controllers → scheduler → kubelet" diagrams, but drawn from what really happened.
 * Repeated steps of sibling objects (the 3 pods of a 3-replica rollout) are folded into one
 * arrow marked "×3" so the diagram stays readable at any scale. Same entries → same text.
 */
import { actorRank } from '../actors.js';
import { causalOrder } from '../correlate.js';
import { formatDiff, type FieldChange } from '../diff.js';
import { redactEntry } from '../redact.js';
import type { Actor, TraceEntry } from '../schema.js';

export interface MermaidOptions {
  /** Fold a repeat into an earlier group only if it comes within this long of the group's last one. Default 5000 ms. */
  foldWindowMs?: number;
  /** Diagram title (optional). */
  title?: string;
}

export type ArrowStyle = '->>' | '-->>' | '-x';

/** One arrow or note of the full diagram, before folding; `entry` is what it was drawn from. */
export interface Message {
  entry: TraceEntry;
  kind: 'arrow' | 'note';
  from: Actor;
  to?: Actor;
  arrow?: ArrowStyle;
  /** The label with the object's name replaced by NAME, so sibling objects share it. */
  template: string;
  subject: string;
  tMs: number;
}

const NAME = '\u0000'; // placeholder for the subject's name inside a template

/** The participants every diagram has, in the order the lab teaches them. */
const CORE_PARTICIPANTS: Actor[] = ['kubectl', 'api-server', 'etcd', 'deployment-controller', 'replicaset-controller', 'scheduler'];

function kindWord(e: TraceEntry): string {
  return e.object.kind;
}

function isFailed(e: TraceEntry): boolean {
  return typeof e.details.code === 'number' && e.details.code >= 400;
}

/** What one entry looks like in the diagram; undefined if it adds nothing (an audit line repeating a write). */
function messageOf(e: TraceEntry, byId: Map<number, TraceEntry>): Message | undefined {
  const subject = e.object.name;
  const base = { entry: e, subject, tMs: e.tMs };
  const d = e.details;
  switch (e.tap) {
    case 'informer':
      return { ...base, kind: 'arrow', from: 'api-server', to: e.actor, arrow: '-->>', template: `watch ${e.verb} ${kindWord(e)} ${NAME}` };
    case 'decision': {
      const reason = typeof d.reason === 'string' ? `: ${d.reason}` : '';
      return { ...base, kind: 'note', from: e.actor, template: `${e.verb} ${kindWord(e)} ${NAME}${reason}` };
    }
    case 'write': {
      const node = typeof d.node === 'string' ? ` → ${d.node}` : '';
      return { ...base, kind: 'arrow', from: e.actor, to: 'api-server', arrow: '->>', template: `${e.verb} ${kindWord(e)} ${NAME}${node}` };
    }
    case 'audit': {
      const cause = e.causeId !== undefined ? byId.get(e.causeId) : undefined;
      if (cause?.tap === 'write') return undefined; // the same request, already drawn from the client side
      const sub = typeof d.subresource === 'string' ? `/${d.subresource}` : '';
      const node = typeof d.node === 'string' ? ` → ${d.node}` : '';
      const failed = isFailed(e) ? ` (HTTP ${String(d.code)})` : '';
      return { ...base, kind: 'arrow', from: e.actor, to: 'api-server', arrow: isFailed(e) ? '-x' : '->>', template: `${e.verb} ${kindWord(e)}${sub} ${NAME}${node}${failed}` };
    }
    case 'etcd':
      return { ...base, kind: 'arrow', from: 'api-server', to: 'etcd', arrow: '->>', template: `${e.verb} ${kindWord(e)} ${NAME}` };
    case 'kubelet': {
      if (e.verb === 'status') {
        const diff = Array.isArray(d.diff) ? formatDiff(d.diff as FieldChange[]) : '';
        return { ...base, kind: 'arrow', from: e.actor, to: 'api-server', arrow: '->>', template: `status ${NAME} ${diff}` };
      }
      const container = typeof d.container === 'string' ? `/${d.container}` : '';
      return { ...base, kind: 'note', from: e.actor, template: `${e.verb} ${NAME}${container}` };
    }
    case 'containerd': {
      const node = e.actor.slice('containerd@'.length);
      const kubelet: Actor = `kubelet@${node}`;
      const what = d.containerKind === 'sandbox' ? 'sandbox' : typeof d.container === 'string' ? d.container : 'container';
      const exit = typeof d.exitStatus === 'number' ? ` exit ${d.exitStatus}` : '';
      const label = `${e.verb} ${NAME}${e.object.kind === 'Pod' ? `/${what}` : ''}${exit}`;
      const reply = e.verb === '/tasks/exit' || e.verb.startsWith('/images/');
      return reply
        ? { ...base, kind: 'arrow', from: e.actor, to: kubelet, arrow: '-->>', template: label }
        : { ...base, kind: 'arrow', from: kubelet, to: e.actor, arrow: '->>', template: label };
    }
  }
}

interface Group {
  key: string;
  first: Message;
  subjects: string[];
  count: number;
  lastMs: number;
}

function foldKey(m: Message): string {
  return [m.kind, m.from, m.to ?? '', m.arrow ?? '', m.template].join('|');
}

/** Fold repeats of the same step (same participants and label but for the object's name). */
function fold(messages: Message[], windowMs: number): Group[] {
  const groups: Group[] = [];
  const open = new Map<string, Group>();
  for (const m of messages) {
    const key = foldKey(m);
    const group = open.get(key);
    if (group && m.tMs - group.lastMs <= windowMs) {
      group.count++;
      group.lastMs = m.tMs;
      if (!group.subjects.includes(m.subject)) group.subjects.push(m.subject);
      continue;
    }
    const fresh: Group = { key, first: m, subjects: [m.subject], count: 1, lastMs: m.tMs };
    groups.push(fresh);
    open.set(key, fresh);
  }
  return groups;
}

/** 'web-7d9f-abcde', 'web-7d9f-fghij' → 'web-7d9f-*' */
export function namePattern(names: readonly string[]): string {
  if (names.length === 1) return names[0]!;
  let prefix = names[0] ?? '';
  for (const n of names) while (!n.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return `${prefix}*`;
}

/** Mermaid treats ';' and '#' specially and a newline ends a statement. */
export function mermaidText(text: string): string {
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/;/g, ',')
    .replace(/#/g, 'no.')
    .replace(/%%/g, '%')
    .replace(/</g, '‹')
    .replace(/>/g, '›')
    .replace(/\s+/g, ' ')
    .trim();
}

export function participantId(actor: Actor): string {
  return actor.replace(/[^A-Za-z0-9]+/g, '_');
}

function labelOf(group: Group, originMs: number): string {
  const name = namePattern(group.subjects);
  const times = group.count > 1 ? ` ×${group.count}` : '';
  return mermaidText(`${group.first.template.split(NAME).join(name)}${times} ${timeSpan(group.first.tMs, group.lastMs, originMs)}`);
}

/** The full diagram's messages in causal order: the timeline every level of detail reduces. */
export function sequenceMessages(entries: readonly TraceEntry[]): Message[] {
  const ordered = causalOrder(entries.map(redactEntry));
  const byId = new Map(ordered.map((e) => [e.id, e] as const));
  return ordered.map((e) => messageOf(e, byId)).filter((m): m is Message => m !== undefined);
}

/** Time labels count from the earliest entry. */
export function originOf(entries: readonly TraceEntry[]): number {
  return entries.length > 0 ? Math.min(...entries.map((e) => e.tMs)) : 0;
}

/** '+12ms', or '+12…340ms' for a step that repeated. */
export function timeSpan(firstMs: number, lastMs: number, originMs: number): string {
  const from = firstMs - originMs;
  const to = lastMs - originMs;
  return from === to ? `+${from}ms` : `+${from}…${to}ms`;
}

/** The sequenceDiagram text around its participants (ids and names) and body lines. */
export function sequenceDiagram(title: string | undefined, participants: ReadonlyArray<{ id: string; name: string }>, body: readonly string[]): string {
  const lines = ['sequenceDiagram'];
  if (title) lines.push(`    title ${mermaidText(title)}`);
  for (const p of participants) lines.push(`    participant ${p.id} as ${p.name}`);
  lines.push(...body.map((l) => `    ${l}`));
  return lines.join('\n') + '\n';
}

export function toMermaid(entries: readonly TraceEntry[], opts: MermaidOptions = {}): string {
  const messages = sequenceMessages(entries);
  const originMs = originOf(entries);

  const actors = new Set<Actor>(CORE_PARTICIPANTS);
  for (const m of messages) {
    actors.add(m.from);
    if (m.to) actors.add(m.to);
  }
  const participants = [...actors].sort((a, b) => actorRank(a) - actorRank(b) || a.localeCompare(b));

  const body = fold(messages, opts.foldWindowMs ?? 5000).map((group) => {
    const m = group.first;
    const label = labelOf(group, originMs);
    return m.kind === 'note' ? `Note right of ${participantId(m.from)}: ${label}` : `${participantId(m.from)}${m.arrow}${participantId(m.to!)}: ${label}`;
  });
  return sequenceDiagram(opts.title, participants.map((a) => ({ id: participantId(a), name: a })), body);
}
