/**
 * A trace holds one chapter per request a person made about a Deployment (create, scale, new
 * template, delete): the request, and every entry about that Deployment and what it owns, up to
 * the next such request.
 */
import type { OwnerIndex } from '../correlate.js';
import { objectKeyOf, type TraceEntry } from '../schema.js';
import { isPersonRequest } from './evidence.js';

export interface ChapterScope {
  request: TraceEntry;
  deploymentKey: string;
  /** Entries about the Deployment's tree from the request on, by occurrence. */
  tree: TraceEntry[];
  /** Entries about the same tree before the request (what the objects were when it came). */
  earlier: TraceEntry[];
  /** Session time of the next request about the same Deployment (Infinity if none). */
  untilMs: number;
}

export function chapterScopes(ordered: readonly TraceEntry[], owners: OwnerIndex): ChapterScope[] {
  const requests = ordered.filter((e) => e.object.kind === 'Deployment' && isPersonRequest(e));
  return requests.map((request, i) => {
    const deploymentKey = objectKeyOf(request.object);
    const next = requests.slice(i + 1).find((r) => objectKeyOf(r.object) === deploymentKey);
    const inTree = ordered.filter((e) => e.id !== request.id && owners.isWithin(objectKeyOf(e.object), deploymentKey));
    const tree = inTree.filter((e) => e.tMs >= request.tMs);
    const earlier = inTree.filter((e) => e.tMs < request.tMs);
    return { request, deploymentKey, tree, earlier, untilMs: next?.tMs ?? Number.POSITIVE_INFINITY };
  });
}
