/**
 * podSpread: how evenly the selected pods are spread over the domains of a node label (zones,
 * hostnames), as a topology spread constraint measures it: the skew is the most pods in one
 * domain less the fewest in any domain. Every node that has the label is a domain, so an empty
 * zone counts as 0 (upstream's "eligible domains", without node affinity narrowing them).
 */
import { z } from 'zod';
import { isTerminating, nodeNameOf, type Snapshot } from '../snapshot.js';
import { describeFilter, matchesFilter } from '../selectors.js';
import { checkObject, objectFilterFields, type CheckResult } from './types.js';

export const podSpreadSchema = checkObject('podSpread', {
  ...objectFilterFields,
  topologyKey: z.string().min(1),
  /** Left out: any skew (a check on how many domains are used only, e.g. bin-packing). */
  maxSkew: z.number().int().nonnegative().optional(),
  /** At least this many domains must hold a pod. */
  minDomains: z.number().int().positive().default(1),
  /** At most this many domains may hold a pod (packed, not spread). */
  maxDomains: z.number().int().positive().optional(),
  minPods: z.number().int().positive().default(1),
}).refine((c) => c.maxDomains === undefined || c.maxDomains >= c.minDomains, { message: 'maxDomains must be at least minDomains' });

export type PodSpreadCheck = z.infer<typeof podSpreadSchema>;

/** Pure: pods per domain, every labelled node's domain present (0 where no pod landed). */
export function podsPerDomain(check: PodSpreadCheck, snapshot: Snapshot): { perDomain: Map<string, number>; unplaced: string[] } {
  const perDomain = new Map<string, number>();
  const domainOfNode = new Map<string, string>();
  for (const node of snapshot.objects.Node) {
    const domain = node.metadata.labels?.[check.topologyKey];
    if (domain === undefined) continue;
    domainOfNode.set(node.metadata.name, domain);
    if (!perDomain.has(domain)) perDomain.set(domain, 0);
  }
  const unplaced: string[] = [];
  for (const pod of snapshot.objects.Pod.filter((p) => !isTerminating(p) && matchesFilter(p, check))) {
    const domain = domainOfNode.get(nodeNameOf(pod) ?? '');
    if (domain === undefined) unplaced.push(pod.metadata.name);
    else perDomain.set(domain, perDomain.get(domain)! + 1);
  }
  return { perDomain, unplaced };
}

export function evaluatePodSpread(check: PodSpreadCheck, snapshot: Snapshot): CheckResult {
  const domains = check.maxDomains === undefined ? `at least ${check.minDomains}` : check.maxDomains === check.minDomains ? `exactly ${check.minDomains}` : `${check.minDomains} to ${check.maxDomains}`;
  const expected = `at least ${check.minPods} pod(s) (${describeFilter(check)}) over ${domains} ${check.topologyKey} domain(s)${check.maxSkew === undefined ? '' : `, skew at most ${check.maxSkew}`}`;
  const { perDomain, unplaced } = podsPerDomain(check, snapshot);
  const counts = [...perDomain.values()];
  const placed = counts.reduce((a, b) => a + b, 0);
  const skew = counts.length ? Math.max(...counts) - Math.min(...counts) : 0;
  const used = counts.filter((n) => n > 0).length;
  const saw = perDomain.size === 0
    ? `no node has the label ${check.topologyKey}`
    : `${describeLayout(perDomain)} (${used} used, skew ${skew})${unplaced.length ? `; not on a labelled node: ${unplaced.slice(0, 4).join(', ')}` : ''}`;
  const pass = perDomain.size > 0 && unplaced.length === 0 && placed >= check.minPods && used >= check.minDomains &&
    (check.maxDomains === undefined || used <= check.maxDomains) && (check.maxSkew === undefined || skew <= check.maxSkew);
  return { pass, expected, saw };
}

/** Pure: "a: 2, b: 1" for a few domains; with many (hostnames over 100 nodes), the used ones and a count of the empty. */
export function describeLayout(perDomain: ReadonlyMap<string, number>, maxListed = 12): string {
  const sorted = [...perDomain.entries()].sort(([a], [b]) => a.localeCompare(b));
  if (sorted.length <= maxListed) return sorted.map(([d, n]) => `${d}: ${n}`).join(', ');
  const used = sorted.filter(([, n]) => n > 0).sort(([, a], [, b]) => b - a);
  const listed = used.slice(0, maxListed).map(([d, n]) => `${d}: ${n}`);
  const more = used.length - listed.length;
  return `${listed.join(', ')}${more > 0 ? `, +${more} more used` : ''}; ${sorted.length - used.length} empty`;
}
