/**
 * The writes a component makes once for every pod it handles (lab-scheduler's Binding and its
 * Scheduled Event), sent with undici's request() rather than through client-node's generated
 * client. client-node sends each call through fetch: a WHATWG Request and Response, web streams
 * for the bodies, an observable pipeline for its middleware, and ObjectSerializer on the answer.
 * In a CPU profile of lab-scheduler binding 300 pods onto 500 simulated nodes that path took more
 * of the process's time than filtering the nodes did. request() takes the same connection pool
 * (the dispatcher the KubeConfig made, which clientsFor keeps), the same headers (credentials,
 * User-Agent) and fails the same way (an ApiException with the status code and the Status body),
 * so callers, retries and the trace's write recorder see no difference.
 */
import { ApiException, HttpMethod, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { request, type Dispatcher } from 'undici';

/** Where a write goes and the headers it carries: worked out once a KubeConfig (see below). */
interface Target {
  base: string;
  headers: Record<string, string>;
  dispatcher: Dispatcher | undefined;
}

export interface LeanWriter {
  /** POSTs `body` as JSON to `path` (below the API server's URL); resolves once it was accepted. */
  post(path: string, body: unknown): Promise<void>;
}

/**
 * The headers and dispatcher of `kc` for a request, as client-node works them out (its
 * applySecurityAuthentication). Worked out once: the lab's kubeconfigs hold certificates or a
 * token, which do not change while it runs; a 401 works them out again (a rotated token).
 */
async function targetOf(kc: KubeConfig, userAgent: string): Promise<Target> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const context = new RequestContext(cluster.server, HttpMethod.POST);
  await kc.applySecurityAuthentication(context);
  return {
    base: cluster.server.replace(/\/+$/, ''),
    headers: { ...lowerCaseHeaders(context.getHeaders()), 'user-agent': userAgent, 'content-type': 'application/json', accept: 'application/json' },
    dispatcher: context.getDispatcher() as Dispatcher | undefined,
  };
}

/**
 * Pure: `headers` with lower-case names. client-node names them as HTTP/1 does (User-Agent);
 * undici adds a user-agent of its own unless one is named in lower case, and over HTTP/2 it
 * refuses a request that then has two.
 */
export function lowerCaseHeaders(headers: Record<string, string>): Record<string, string> {
  const lower: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  return lower;
}

/** Pure: the body of a failed answer as client-node hands it on: the parsed Status, or the text. */
export function errorBody(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function leanWriter(kc: KubeConfig, userAgent: string): LeanWriter {
  let target: Promise<Target> | undefined;
  const send = async (path: string, payload: string, retried: boolean): Promise<void> => {
    target ??= targetOf(kc, userAgent).catch((error: unknown) => {
      target = undefined;
      throw error;
    });
    const { base, headers, dispatcher } = await target;
    const answer = await request(base + path, { method: 'POST', headers, body: payload, ...(dispatcher ? { dispatcher } : {}) });
    if (answer.statusCode < 300) {
      // The answer is not read (no caller uses the server's copy), but it must be drained for the connection's sake.
      await answer.body.dump();
      return;
    }
    const text = await answer.body.text();
    if (answer.statusCode === 401 && !retried) {
      target = undefined;
      return send(path, payload, true);
    }
    throw new ApiException(answer.statusCode, `${answer.statusCode} from POST ${path}`, errorBody(text), flatHeaders(answer.headers));
  };
  return { post: (path, body) => send(path, JSON.stringify(body), false) };
}

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}

/** A path segment (a namespace or a name) as it goes into a URL. */
const segment = encodeURIComponent;

/** Pure: where a pod's Binding is POSTed. */
export function bindingPath(namespace: string, name: string): string {
  return `/api/v1/namespaces/${segment(namespace)}/pods/${segment(name)}/binding`;
}

/** Pure: where a core/v1 Event is POSTed. */
export function eventsPath(namespace: string): string {
  return `/api/v1/namespaces/${segment(namespace)}/events`;
}
