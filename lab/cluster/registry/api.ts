/** The registry's HTTP API (OCI distribution), as far as the lab reads it. */

async function getJson<T>(url: string, timeoutMs: number): Promise<{ body: T; next?: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  // Pagination: `Link: </v2/_catalog?last=x&n=1000>; rel="next"`.
  const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '')?.[1];
  return { body: (await response.json()) as T, ...(next ? { next: new URL(next, url).href } : {}) };
}

/** True when `GET /v2/` answers as a registry does (200, or 401 where it wants a login). */
export async function registryAnswers(baseUrl: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/v2/`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.status === 200 || response.status === 401;
  } catch {
    return false;
  }
}

export interface Repository {
  name: string;
  tags: string[];
}

/** Every repository and its tags (`/v2/_catalog`, `/v2/<name>/tags/list`). */
export async function listRepositories(baseUrl: string, timeoutMs = 5000): Promise<Repository[]> {
  const names: string[] = [];
  // The registry hands out at most 1000 names a page.
  for (let page: string | undefined = `${baseUrl}/v2/_catalog?n=1000`; page; ) {
    const { body, next }: { body: { repositories?: string[] | null }; next?: string } = await getJson(page, timeoutMs);
    names.push(...(body.repositories ?? []));
    page = next;
  }
  return Promise.all(
    names.sort().map(async (name) => {
      const list = await getJson<{ tags?: string[] | null }>(`${baseUrl}/v2/${name}/tags/list`, timeoutMs).catch(() => ({ body: { tags: [] } }));
      return { name, tags: [...(list.body.tags ?? [])].sort() };
    }),
  );
}
