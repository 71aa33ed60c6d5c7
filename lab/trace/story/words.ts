/** How the story names components and groups of objects, in the lab's own words. */
import type { Actor } from '../schema.js';

const NAMED: Record<string, string> = {
  'deployment-controller': "the lab's Deployment controller",
  'replicaset-controller': "the lab's ReplicaSet controller",
  scheduler: 'lab-scheduler',
  'default-scheduler': 'default-scheduler',
  'kube-controller-manager/deployment-controller': "kube-controller-manager's Deployment controller",
  'kube-controller-manager/replicaset-controller': "kube-controller-manager's ReplicaSet controller",
  'kube-controller-manager/generic-garbage-collector': 'the garbage collector',
  kubectl: 'kubectl',
  user: 'a client',
};

/** The role each named controller and scheduler plays, in words that fit the lab's and the built-in one alike. */
const ROLES: Record<string, string> = {
  'deployment-controller': 'the Deployment controller',
  'kube-controller-manager/deployment-controller': 'the Deployment controller',
  'replicaset-controller': 'the ReplicaSet controller',
  'kube-controller-manager/replicaset-controller': 'the ReplicaSet controller',
  scheduler: 'the scheduler',
  'default-scheduler': 'the scheduler',
};

/** A step title with the acting controller or scheduler named by its role: "The lab's Deployment controller scales …" → "The Deployment controller scales …". */
export function inRoleWords(title: string): string {
  for (const [actor, role] of Object.entries(ROLES)) {
    const named = NAMED[actor]!;
    if (title.startsWith(named)) return capitalise(role) + title.slice(named.length);
    if (title.startsWith(capitalise(named))) return capitalise(role) + title.slice(named.length);
  }
  return title;
}

/** 'kube-controller-manager/deployment-controller' → "kube-controller-manager's Deployment controller" */
export function who(actors: readonly Actor[], fallback: string): string {
  if (actors.length === 0) return fallback;
  return actors.map((a) => NAMED[a] ?? (a.startsWith('kube-controller-manager/') ? `kube-controller-manager's ${a.slice(24)}` : a)).join(' and ');
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** 'lab-worker ×2, lab-worker2' */
export function countedList(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].map(([v, n]) => (n > 1 ? `${v} ×${n}` : v)).join(', ');
}
