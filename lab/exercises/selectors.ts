/**
 * Label selectors in kubectl's string form (`app=web,tier!=cache,env in (a,b),!legacy`) turned
 * into a V1LabelSelector, so matching uses the controllers' own selector logic.
 */
import type { V1LabelSelector, V1LabelSelectorRequirement } from '@kubernetes/client-node';
import { selectorMatches } from '../../controllers/shared/labels.js';
import type { KubeObject } from './snapshot.js';

export class SelectorSyntaxError extends Error {}

const KEY = String.raw`[A-Za-z0-9][-A-Za-z0-9_./]*`;
const VALUE = String.raw`[-A-Za-z0-9_.]*`;
const SET_FORM = new RegExp(`^(${KEY})\\s+(in|notin)\\s+\\(([^)]*)\\)$`);
const EQUALITY_FORM = new RegExp(`^(${KEY})\\s*(==|=|!=)\\s*(${VALUE})$`);
const EXISTS_FORM = new RegExp(`^(!?)(${KEY})$`);

/** Splits on commas that are not inside a `( ... )` value list. */
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

export function parseLabelSelector(text: string): V1LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: V1LabelSelectorRequirement[] = [];
  for (const part of splitRequirements(text)) {
    const set = SET_FORM.exec(part);
    if (set) {
      const values = set[3]!.split(',').map((v) => v.trim()).filter((v) => v !== '');
      matchExpressions.push({ key: set[1]!, operator: set[2] === 'in' ? 'In' : 'NotIn', values });
      continue;
    }
    const equality = EQUALITY_FORM.exec(part);
    if (equality) {
      if (equality[2] === '!=') matchExpressions.push({ key: equality[1]!, operator: 'NotIn', values: [equality[3]!] });
      else matchLabels[equality[1]!] = equality[3]!;
      continue;
    }
    const exists = EXISTS_FORM.exec(part);
    if (exists) {
      matchExpressions.push({ key: exists[2]!, operator: exists[1] ? 'DoesNotExist' : 'Exists' });
      continue;
    }
    throw new SelectorSyntaxError(`"${part}" is not a label selector requirement (examples: app=web, tier!=db, env in (a,b), !legacy)`);
  }
  const selector: V1LabelSelector = {};
  if (Object.keys(matchLabels).length > 0) selector.matchLabels = matchLabels;
  if (matchExpressions.length > 0) selector.matchExpressions = matchExpressions;
  return selector;
}

/** True if the selector string is well-formed (used by the exercise schema). */
export function isValidLabelSelector(text: string): boolean {
  try {
    parseLabelSelector(text);
    return true;
  } catch {
    return false;
  }
}

/** Which objects of a set a check is about: by label selector and/or name prefix; none given = all. */
export interface ObjectFilter {
  selector?: string | undefined;
  namePrefix?: string | undefined;
}

export function matchesFilter(obj: KubeObject, filter: ObjectFilter): boolean {
  if (filter.namePrefix !== undefined && !obj.metadata.name.startsWith(filter.namePrefix)) return false;
  if (filter.selector !== undefined && !selectorMatches(parseLabelSelector(filter.selector), obj.metadata.labels)) return false;
  return true;
}

export function describeFilter(filter: ObjectFilter): string {
  const parts: string[] = [];
  if (filter.selector) parts.push(`selector ${filter.selector}`);
  if (filter.namePrefix) parts.push(`name ${filter.namePrefix}*`);
  return parts.length ? parts.join(', ') : 'all';
}
