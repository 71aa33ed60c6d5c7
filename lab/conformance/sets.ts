/**
 * Which of upstream's e2e specs `lab conformance` runs: a named set is a Ginkgo focus (a regular
 * expression on the spec's full text) and the component of the lab it exercises. Pure.
 */
import { BadInputError } from '../base/errors.js';

export type SetName = 'apps' | 'scheduling';
export const SET_NAMES = ['apps', 'scheduling', 'all'] as const;
export type SetArgument = (typeof SET_NAMES)[number];

export interface SpecSet {
  name: SetName;
  /** Ginkgo --focus: the specs of this set. */
  focus: string;
  /** What the lab runs for it. */
  describe: string;
}

export const SETS: Record<SetName, SpecSet> = {
  apps: {
    name: 'apps',
    focus: String.raw`\[sig-apps\] (Deployment|ReplicaSet) `,
    describe: "the Deployment and ReplicaSet specs, against the lab's Deployment and ReplicaSet controllers",
  },
  scheduling: {
    name: 'scheduling',
    focus: String.raw`\[sig-scheduling\] (SchedulerPredicates|SchedulerPreemption|SchedulerPriorities|PodTopologySpread)`,
    describe: 'the scheduler specs, against lab-scheduler serving default-scheduler with kube-scheduler stopped',
  },
};

/** Specs left out unless asked for with --include-slow: they disrupt the cluster, need it alone, or are known to flake. */
export const DEFAULT_SKIP = String.raw`\[Disruptive\]|\[Serial\]|\[Flaky\]|\[Slow\]`;

export function parseSetArgument(value: string | undefined): SetName[] {
  const name = value ?? 'apps';
  if (name === 'all') return ['apps', 'scheduling'];
  if (name === 'apps' || name === 'scheduling') return [name];
  throw new BadInputError(`unknown set "${name}"`, `use one of ${SET_NAMES.join(', ')}`);
}

/**
 * A --focus must be a regular expression Go's RE2 and JavaScript both read the same way; RE2 has
 * no lookaround or backreferences, so those are refused here rather than by the e2e binary later.
 */
export function checkFocus(flag: string, pattern: string): string {
  if (pattern.trim() === '') throw new BadInputError(`${flag} is empty`, 'give a regular expression, e.g. --focus "rollover"');
  try {
    new RegExp(pattern);
  } catch (err) {
    throw new BadInputError(`${flag} "${pattern}" is not a regular expression: ${(err as Error).message}`, 'quote it for the shell and escape [ ] ( ) with \\');
  }
  if (/\(\?[=!<]|\\[1-9]/.test(pattern)) {
    throw new BadInputError(`${flag} "${pattern}" uses lookaround or a backreference, which Go's regular expressions (RE2) do not support`, 'match a plainer substring of the spec name');
  }
  return pattern;
}

/**
 * Ginkgo ORs several --focus flags, so a user's --focus cannot narrow a set's focus there. The
 * lab lists the set's specs with a dry run instead, keeps those the user's pattern matches too,
 * and runs exactly those: this is the focus that selects them and nothing else. Ginkgo matches it
 * against the suite's description, a space, then the spec's full text, hence the `(^| )`.
 */
export function focusOnExactly(fullTexts: readonly string[]): string {
  if (fullTexts.length === 0) throw new Error('no specs to focus on');
  return `(^| )(${fullTexts.map(escapeRegExp).join('|')})$`;
}

/** Escapes the characters Go's RE2 and JavaScript treat as syntax. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/** The specs of a dry run that the user's --focus (if any) also matches. */
export function narrow(fullTexts: readonly string[], userFocus: string | undefined): string[] {
  if (!userFocus) return [...fullTexts];
  const re = new RegExp(userFocus);
  return fullTexts.filter((t) => re.test(t));
}
