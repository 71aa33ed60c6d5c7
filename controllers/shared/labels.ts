// Label selector matching with metav1.LabelSelector semantics: matchLabels and matchExpressions
// are ANDed; an empty selector ({}) matches everything, a null/undefined one matches nothing.
// An invalid selector (unknown operator, In/NotIn without values, Exists with values) matches
// nothing, which is how upstream controllers treat a selector that fails to convert.
import type { V1LabelSelector, V1LabelSelectorRequirement } from '@kubernetes/client-node';

export type Labels = Record<string, string> | undefined;

interface Requirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** Normalises a selector into a list of requirements, or undefined if it is invalid. */
function requirementsOf(selector: V1LabelSelector): Requirement[] | undefined {
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    requirements.push({ key, operator: 'In', values: [value] });
  }
  for (const expression of selector.matchExpressions ?? []) {
    const requirement = requirementFromExpression(expression);
    if (!requirement) return undefined;
    requirements.push(requirement);
  }
  return requirements;
}

function requirementFromExpression(expression: V1LabelSelectorRequirement): Requirement | undefined {
  const values = expression.values ?? [];
  switch (expression.operator) {
    case 'In':
    case 'NotIn':
      return values.length > 0 ? { key: expression.key, operator: expression.operator, values } : undefined;
    case 'Exists':
    case 'DoesNotExist':
      return values.length === 0 ? { key: expression.key, operator: expression.operator, values } : undefined;
    default:
      return undefined;
  }
}

function requirementMatches(requirement: Requirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, requirement.key);
  switch (requirement.operator) {
    case 'In':
      return has && requirement.values.includes(labels[requirement.key]!);
    case 'NotIn':
      return !has || !requirement.values.includes(labels[requirement.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** The same label set, in whatever key order (a missing map counts as an empty one). */
export function sameLabels(a: Labels, b: Labels): boolean {
  const entries = Object.entries(a ?? {});
  return entries.length === Object.keys(b ?? {}).length && entries.every(([k, v]) => b?.[k] === v);
}

export function selectorMatches(selector: V1LabelSelector | null | undefined, labels: Labels): boolean {
  if (selector === null || selector === undefined) return false;
  const requirements = requirementsOf(selector);
  if (!requirements) return false;
  const actual = labels ?? {};
  return requirements.every((requirement) => requirementMatches(requirement, actual));
}

/** True when the selector is valid and would match every object (the `{}` selector). */
export function selectorIsEmpty(selector: V1LabelSelector | null | undefined): boolean {
  if (!selector) return false;
  return requirementsOf(selector)?.length === 0;
}

/**
 * The selector in the string syntax of list calls and kubectl (`app=web,tier in (a,b),!legacy`),
 * requirements sorted by key like upstream's labels.Selector.String(). A null selector gives
 * undefined (there is no string for "nothing"); an invalid one throws.
 */
export function selectorToString(selector: V1LabelSelector | null | undefined): string | undefined {
  if (!selector) return undefined;
  const requirements = requirementsOf(selector);
  if (!requirements) throw new Error(`invalid label selector: ${JSON.stringify(selector)}`);
  return requirements
    .slice()
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(requirementToString)
    .join(',');
}

function requirementToString(requirement: Requirement): string {
  const values = [...requirement.values].sort();
  switch (requirement.operator) {
    case 'In':
      return values.length === 1 ? `${requirement.key}=${values[0]}` : `${requirement.key} in (${values.join(',')})`;
    case 'NotIn':
      return `${requirement.key} notin (${values.join(',')})`;
    case 'Exists':
      return requirement.key;
    case 'DoesNotExist':
      return `!${requirement.key}`;
  }
}
