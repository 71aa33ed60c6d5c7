/**
 * Why a spec failed: the environment (no registry to pull an image from, no cloud provider) or
 * a real difference in the component under test. Pure: it reads the failure message and the
 * spec's log, which carries the pod events the e2e framework dumps when a spec fails.
 */
import type { SpecResult } from './report.js';

export type FailureKind = 'environment' | 'real';

export interface Classified {
  kind: FailureKind;
  /** For environment failures: the cause, worded the same for every spec it hits. */
  reason?: string;
}

/** Images specs name on purpose so that pulling them fails; their pull errors are the spec working. */
export const DELIBERATELY_UNPULLABLE = [/:nonexistent$/, /^webserver:404$/, /^invalid\.registry\.k8s\.io\//];

const PULL_FAILURE = [
  /Failed to pull image "([^"]+)"/g,
  /Back-off pulling image "([^"]+)"/g,
  /(?:ErrImagePull|ImagePullBackOff)[^"\n]*?image "([^"]+)"/g,
  /pull access denied for ([^\s,]+)/g,
];

/** The images the log says could not be pulled, leaving out the ones specs make fail on purpose. */
export function unpulledImages(text: string): string[] {
  const images = new Set<string>();
  for (const re of PULL_FAILURE) {
    for (const m of text.matchAll(re)) {
      const image = m[1]!;
      if (!DELIBERATELY_UNPULLABLE.some((d) => d.test(image))) images.add(image);
    }
  }
  return [...images].sort();
}

const NO_PROVIDER = /(?:only supported for providers|requires a cloud provider|cloud provider (?:is )?not|no cloud provider|LoadBalancer[^\n]*(?:never|not) (?:got|assigned|provisioned))/i;

export function classifyFailure(spec: Pick<SpecResult, 'failure' | 'log'>): Classified {
  const text = `${spec.failure?.message ?? ''}\n${spec.log}`;
  const images = unpulledImages(text);
  if (images.length > 0) return { kind: 'environment', reason: `no registry: ${images.join(', ')} could not be pulled and is not in the nodes` };
  if (NO_PROVIDER.test(text)) return { kind: 'environment', reason: 'no cloud provider: the spec needs one (kind has none)' };
  return { kind: 'real' };
}

export interface EnvironmentCause {
  reason: string;
  specs: string[];
}

/** Environment causes, each listed once with the specs it failed. */
export function environmentCauses(specs: readonly (Pick<SpecResult, 'name'> & { classified?: Classified })[]): EnvironmentCause[] {
  const byReason = new Map<string, string[]>();
  for (const s of specs) {
    if (s.classified?.kind !== 'environment' || !s.classified.reason) continue;
    byReason.set(s.classified.reason, [...(byReason.get(s.classified.reason) ?? []), s.name]);
  }
  return [...byReason].map(([reason, names]) => ({ reason, specs: names }));
}
