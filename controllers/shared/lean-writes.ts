/**
 * The writes a component makes once for every pod it handles (lab-scheduler's Binding and its
 * Scheduled Event, the ReplicaSet controller's Pod and its SuccessfulCreate Event), sent with
 * undici's request() rather than through client-node's generated
 * client. client-node sends each call through fetch: a WHATWG Request and Response, web streams
 * for the bodies, an observable pipeline for its middleware, and ObjectSerializer on the answer.
 * In a CPU profile of lab-scheduler binding 300 pods onto 500 simulated nodes that path took more
 * of the process's time than filtering the nodes did. request() takes the same TLS settings and
 * headers (credentials, User-Agent) and fails the same way (an ApiException with the status code
 * and the Status body), so callers, retries and the trace's write recorder see no difference.
 *
 * The writes go over HTTP/1.1 keep-alive connections of their own (writeAgentOptions), not the
 * HTTP/2 session client-node's dispatcher negotiates: a pod's writes are small requests whose
 * cost is mostly per request, and Node's http2 layer costs more per request than undici's
 * HTTP/1.1 parser. Measured against the lab's API server (500 Event POSTs, 20 at a time, four
 * rounds in one process): 215–285 µs of CPU a request over HTTP/1.1, 340–460 µs over HTTP/2.
 * In lab-scheduler's CPU profile at 10 simulated nodes these writes were a fifth of its time.
 */
import { createSecureContext, type SecureContextOptions } from 'node:tls';
import { ApiException, HttpMethod, RequestContext, type Cluster, type KubeConfig } from '@kubernetes/client-node';
import { Agent, request, type Dispatcher } from 'undici';

/** Where a write goes and the headers it carries: worked out once a KubeConfig (see below). */
interface Target {
  base: string;
  headers: Record<string, string>;
  dispatcher: Dispatcher | undefined;
}

export interface LeanWriter {
  /** POSTs `body` as JSON to `path` (below the API server's URL); resolves once it was accepted. */
  post(path: string, body: unknown): Promise<void>;
  /** The same, resolving with the server's copy of the object (parsed JSON, not yet typed). */
  postForObject(path: string, body: unknown): Promise<unknown>;
}

/**
 * The options of the writes' HTTP/1.1 agent: client-node's own connect options for `cluster`
 * (CA, client certificate and key, keep-alive, from createDispatcherOptions), without HTTP/2, and
 * as many connections at once as there are writes in flight (undici's default), as client-go's
 * HTTP/1.1 transport sets no MaxConnsPerHost; idle ones are kept IDLE_CONNECTION_MS.
 * Capped at 16, a burst of bindings and events queued for connections: 300 pods onto 10 simulated
 * nodes, created 20 at a time (about 125 pods/s, two writes each), were bound 310–490 ms after
 * their creation (p50, four runs) against 75–110 ms without a cap (and 110–230 over HTTP/2).
 * Undefined where client-node's dispatcher is not a plain agent (a proxy, or no TLS options at
 * all): the writes then take client-node's dispatcher as it is.
 */
export async function writeAgentOptions(kc: KubeConfig, cluster: Cluster): Promise<Agent.Options | undefined> {
  const tls: Record<string, unknown> = {};
  await kc.applyToHTTPSOptions(tls as Parameters<KubeConfig['applyToHTTPSOptions']>[0]);
  const agentOptions = Object.fromEntries(['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'].filter((k) => tls[k] !== undefined).map((k) => [k, tls[k]]));
  const options = kc.createDispatcherOptions(cluster, agentOptions);
  return options.type === 'agent' ? { connect: withOneSecureContext(options.connect as Record<string, unknown>), allowH2: false, keepAliveTimeout: IDLE_CONNECTION_MS } : undefined;
}

/**
 * How long an idle write connection is kept open for the next burst. undici closes one after 4 s;
 * client-go's transport keeps them 90 s (Go's IdleConnTimeout), as long as the API server does
 * (its IdleTimeout). A shorter time than the server's, so the client closes first: a POST sent
 * on a connection the server is closing at that moment fails and is not retried.
 */
export const IDLE_CONNECTION_MS = 60_000;

/**
 * Connect options whose CA, certificate and key are parsed once, into one SecureContext shared by
 * every connection. Given as PEM, Node's tls.connect parses them again for each new connection:
 * a burst of 100 bindings opens up to 100 (see above), and in a profile of the lab's scheduler at
 * 1,000 simulated nodes that parsing (createSecureContext) was 5 % of the measured window.
 */
export function withOneSecureContext(connect: Record<string, unknown>): Record<string, unknown> {
  const { ca, cert, key, pfx, passphrase, ...rest } = connect;
  if (ca === undefined && cert === undefined && key === undefined && pfx === undefined) return connect;
  return { ...rest, secureContext: createSecureContext({ ca, cert, key, pfx, passphrase } as SecureContextOptions) };
}

/**
 * The headers and dispatcher of `kc` for a request, as client-node works them out (its
 * applySecurityAuthentication), on an HTTP/1.1 agent of the writes' own (see the header).
 * Worked out once: the lab's kubeconfigs hold certificates or a token, which do not change while
 * it runs; a 401 works them out again (a rotated token).
 */
async function targetOf(kc: KubeConfig, userAgent: string): Promise<Target> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const context = new RequestContext(cluster.server, HttpMethod.POST);
  await kc.applySecurityAuthentication(context);
  const http1 = await writeAgentOptions(kc, cluster);
  return {
    base: cluster.server.replace(/\/+$/, ''),
    headers: { ...lowerCaseHeaders(context.getHeaders()), 'user-agent': userAgent, 'content-type': 'application/json', accept: 'application/json' },
    dispatcher: http1 ? new Agent(http1) : (context.getDispatcher() as Dispatcher | undefined),
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
  const send = async (path: string, payload: string, answerWanted: boolean, retried: boolean): Promise<unknown> => {
    target ??= targetOf(kc, userAgent).catch((error: unknown) => {
      target = undefined;
      throw error;
    });
    const { base, headers, dispatcher } = await target;
    const answer = await request(base + path, { method: 'POST', headers, body: payload, ...(dispatcher ? { dispatcher } : {}) });
    if (answer.statusCode < 300) {
      if (answerWanted) return answer.body.json();
      // Not read (the caller does not use the server's copy), but drained for the connection's sake.
      await answer.body.dump();
      return undefined;
    }
    const text = await answer.body.text();
    if (answer.statusCode === 401 && !retried) {
      // The old agent is not closed: other writes may still be on it; its idle connections close by themselves (keep-alive timeout).
      target = undefined;
      return send(path, payload, answerWanted, true);
    }
    throw new ApiException(answer.statusCode, `${answer.statusCode} from POST ${path}`, errorBody(text), flatHeaders(answer.headers));
  };
  return {
    post: async (path, body) => void (await send(path, JSON.stringify(body), false, false)),
    postForObject: (path, body) => send(path, JSON.stringify(body), true, false),
  };
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

/** Pure: where a Pod is POSTed (created). */
export function podsPath(namespace: string): string {
  return `/api/v1/namespaces/${segment(namespace)}/pods`;
}

/** Pure: where a core/v1 Event is POSTed. */
export function eventsPath(namespace: string): string {
  return `/api/v1/namespaces/${segment(namespace)}/events`;
}
