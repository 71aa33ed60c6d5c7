/** Matching rules shared by plugins: tolerations vs taints, node selector terms vs nodes. */
import type { V1Node, V1NodeSelectorRequirement, V1NodeSelectorTerm, V1Taint, V1Toleration } from '@kubernetes/client-node';
import { parseInt64 } from '../../shared/int64.js';

/** A toleration tolerates a taint if effect, key and (for Equal) value line up. Empty key + Exists tolerates everything. */
export function tolerates(toleration: V1Toleration, taint: V1Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  const operator = toleration.operator || 'Equal';
  if (operator === 'Exists') return true;
  if (operator !== 'Equal') return false;
  if (!toleration.key && !toleration.effect) return false; // an empty key only makes sense with Exists
  return (toleration.value ?? '') === (taint.value ?? '');
}

/** The first taint (of those passing `relevant`) no toleration covers, or undefined. */
export function firstUntoleratedTaint(
  taints: readonly V1Taint[] | undefined,
  tolerations: readonly V1Toleration[] | undefined,
  relevant: (taint: V1Taint) => boolean,
): V1Taint | undefined {
  return (taints ?? []).filter(relevant).find((taint) => !(tolerations ?? []).some((t) => tolerates(t, taint)));
}

/** One matchExpressions/matchFields requirement against a value that may be absent. */
export function requirementMatches(req: V1NodeSelectorRequirement, value: string | undefined): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      // int64 on both sides, as upstream's label requirement: exact past 2^53, no whitespace.
      const actual = parseInt64(value);
      const bound = parseInt64(values[0]!);
      if (actual === undefined || bound === undefined) return false;
      return req.operator === 'Gt' ? actual > bound : actual < bound;
    }
    default:
      return false; // unknown operators never match, like an invalid selector upstream
  }
}

/** Fields a matchFields requirement may use; upstream supports only metadata.name. */
function fieldValue(node: V1Node, key: string): string | undefined {
  return key === 'metadata.name' ? node.metadata?.name : undefined;
}

/** A term matches if all its expressions and fields match; an empty term matches nothing. */
export function nodeSelectorTermMatches(term: V1NodeSelectorTerm, node: V1Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  return (
    expressions.every((req) => requirementMatches(req, Object.hasOwn(labels, req.key) ? labels[req.key] : undefined)) &&
    fields.every((req) => req.key === 'metadata.name' && requirementMatches(req, fieldValue(node, req.key)))
  );
}

/** Terms are ORed. */
export function nodeSelectorTermsMatch(terms: readonly V1NodeSelectorTerm[], node: V1Node): boolean {
  return terms.some((term) => nodeSelectorTermMatches(term, node));
}
