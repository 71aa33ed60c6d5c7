/**
 * The story level: a correlated trace → the numbered steps of the chain of events behind a pod,
 * per request a person made about a Deployment (create, scale, rolling update, delete). Pure: the
 * same entries give the same story. See story/model.ts for what a step holds.
 */
import { byOccurrence, OwnerIndex } from './correlate.js';
import { nodeOfActor, objectKeyOf, type Actor, type TraceEntry } from './schema.js';
import { chapterDrafts } from './story/chapter-drafts.js';
import { chapterScopes } from './story/chapters.js';
import type { Draft } from './story/drafts.js';
import { orderTimeOf } from './story/evidence.js';
import type { Story, StoryChapter, StoryStep } from './story/model.js';
import { capitalise } from './story/words.js';

export type { Lane, Scenario, StepState, Story, StoryChapter, StoryStep } from './story/model.js';

/** For each object, when a step first touched it (by order time). */
function firstTimes(entries: readonly TraceEntry[], byId: ReadonlyMap<number, TraceEntry>): Map<string, number> {
  const times = new Map<string, number>();
  for (const e of entries) {
    const key = objectKeyOf(e.object);
    const t = orderTimeOf(e, byId);
    if (!times.has(key) || t < times.get(key)!) times.set(key, t);
  }
  return times;
}

/** Why a step is out of order, if it is: it touched an object before the step it follows did. */
function outOfOrder(d: Draft, byId: ReadonlyMap<number, TraceEntry>): string | undefined {
  if (!d.after || d.after.primary.length === 0) return undefined;
  const mine = firstTimes(d.primary, byId);
  const before = firstTimes(d.after.primary, byId);
  const shared = [...mine.keys()].filter((k) => before.has(k));
  if (shared.length > 0) {
    const early = shared.find((k) => mine.get(k)! < before.get(k)!);
    return early ? `${early.slice(early.lastIndexOf('/') + 1)} before "${d.after.title}"` : undefined;
  }
  const myFirst = Math.min(...mine.values());
  const theirFirst = Math.min(...before.values());
  return myFirst < theirFirst ? `${myFirst - theirFirst} ms before "${d.after.title}"` : undefined;
}

/** The kubelet is who asks containerd: a containerd step's actors include the kubelet of the same node. */
function actorsOfStep(d: Draft): Actor[] {
  const actors = new Set<Actor>();
  for (const e of d.primary) {
    const node = nodeOfActor(e.actor);
    if (e.actor.startsWith('containerd@') && node) actors.add(`kubelet@${node}`);
    actors.add(e.actor);
  }
  return [...actors];
}

/** A title that starts with 'the ...' starts a sentence; names (kubectl, lab-scheduler) keep their case. */
function sentence(title: string): string {
  return title.startsWith('the ') ? capitalise(title) : title;
}

function judge(d: Draft, number: number, chapterStartMs: number, byId: ReadonlyMap<number, TraceEntry>): StoryStep {
  const step: StoryStep = { number, title: sentence(d.title), actors: actorsOfStep(d), from: d.from, to: d.to, entryIds: [], state: 'missing' };
  if (d.primary.length === 0) {
    if (d.byDesign) Object.assign(step, { state: 'simulated', note: d.byDesign });
    return step;
  }
  // A trigger from before the request (the watch event a controller acted on long ago) is not part of this chapter.
  const all = [...d.context.filter((e) => e.tMs >= chapterStartMs), ...d.primary];
  step.entryIds = [...new Set(all.map((e) => e.id))].sort((a, b) => a - b);
  step.startMs = Math.min(...all.map((e) => e.tMs));
  step.endMs = Math.max(...d.primary.map((e) => e.tMs + (e.latencyMs ?? 0)));
  step.durationMs = step.endMs - step.startMs;
  const early = outOfOrder(d, byId);
  step.state = early ? 'out-of-order' : 'done';
  if (early) step.note = early;
  return step;
}

function chapterTitle(request: TraceEntry): string {
  const sub = typeof request.details.subresource === 'string' ? `/${request.details.subresource}` : '';
  const ns = request.object.namespace ? `${request.object.namespace}/` : '';
  return `${request.actor} ${request.verb} Deployment${sub} ${ns}${request.object.name}`;
}

export function buildStory(entries: readonly TraceEntry[]): Story {
  const ordered = [...entries].sort(byOccurrence);
  const byId = new Map(ordered.map((e) => [e.id, e] as const));
  const owners = new OwnerIndex();
  for (const e of ordered) owners.observe(e);
  const chapters: StoryChapter[] = chapterScopes(ordered, owners).map((scope) => {
    const { scenario, drafts } = chapterDrafts(scope, owners, byId);
    return {
      scenario,
      title: chapterTitle(scope.request),
      deployment: scope.deploymentKey,
      requestId: scope.request.id,
      steps: drafts.map((d, i) => judge(d, i + 1, scope.request.tMs, byId)),
    };
  });
  return { chapters };
}
