/**
 * Is a container registry reachable from here? One GET of the registry API's base (`/v2/`) with a
 * short timeout: any HTTP answer below 500 (a registry says 200 or 401 there) means it can serve
 * pulls; a timeout, a DNS failure, a refused connection or a 5xx means it cannot.
 */
export interface RegistryProbe {
  registry: string;
  url: string;
  reachable: boolean;
  /** The status, or what failed. */
  detail: string;
  ms: number;
}

export const PROBE_TIMEOUT_MS = 3000;

/** The registries online mode pulls from: kind's node image (Docker Hub) and agnhost (registry.k8s.io). */
export const DEFAULT_PROBE_TARGETS: { registry: string; url: string }[] = [
  { registry: 'registry-1.docker.io', url: 'https://registry-1.docker.io/v2/' },
  { registry: 'registry.k8s.io', url: 'https://registry.k8s.io/v2/' },
];

/**
 * LAB_PROBE_REGISTRIES=name=url,name=url replaces the targets (a test points it at a registry it
 * runs, a classroom at its mirror).
 */
export function probeTargets(env: Record<string, string | undefined> = process.env): { registry: string; url: string }[] {
  const spec = env.LAB_PROBE_REGISTRIES?.trim();
  if (!spec) return DEFAULT_PROBE_TARGETS;
  return spec.split(',').map((item) => {
    const eq = item.indexOf('=');
    const url = (eq > 0 ? item.slice(eq + 1) : item).trim();
    return { registry: eq > 0 ? item.slice(0, eq).trim() : new URL(url).host, url };
  });
}

export async function probeRegistry(target: { registry: string; url: string }, timeoutMs = PROBE_TIMEOUT_MS): Promise<RegistryProbe> {
  const started = Date.now();
  const done = (reachable: boolean, detail: string): RegistryProbe => ({ ...target, reachable, detail, ms: Date.now() - started });
  try {
    const response = await fetch(target.url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return done(response.status < 500, `HTTP ${response.status}`);
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError') return done(false, `no answer within ${timeoutMs / 1000} s`);
    return done(false, e.cause?.code ?? e.message);
  }
}

/** Every target at once, so the whole probe takes at most one timeout. */
export async function probeRegistries(targets = probeTargets(), timeoutMs = PROBE_TIMEOUT_MS): Promise<RegistryProbe[]> {
  return Promise.all(targets.map((t) => probeRegistry(t, timeoutMs)));
}
