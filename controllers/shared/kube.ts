// Kubeconfig loading and API clients whose every request (including watches) carries a given
// User-Agent, so the apiserver audit log shows which of the lab's controllers did what.
//
// How client-node 2.x sets headers: API clients run a list of middlewares after building each
// request (KubeConfig.makeApiClient installs one that sets its own User-Agent); watches do not go
// through middleware but call kc.applySecurityAuthentication(ctx) and send ctx's headers. So we
// build the API configuration ourselves with our User-Agent middleware, and wrap the KubeConfig
// so applySecurityAuthentication also sets the header for watches.
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  ServerConfiguration,
  createConfiguration,
  PatchStrategy,
  setHeaderMiddleware,
  setHeaderOptions,
  type RequestContext,
  type V1Pod,
} from '@kubernetes/client-node';
import { bindingPath, eventsPath, leanWriter, podsPath, type LeanWriter } from './lean-writes.js';
import { decodeTyped } from './typed-decoder.js';

export interface Clients {
  core: CoreV1Api;
  apps: AppsV1Api;
  coordination: CoordinationV1Api;
  /** The kubeconfig whose watches carry the same User-Agent: give it to createInformer. */
  kubeConfig: KubeConfig;
}

export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}

/**
 * Sets the User-Agent, and sends every request over one connection pool. client-node 2.0.1 builds
 * a new undici Agent for each request (KubeConfig.createDispatcher), so each API call opened a new
 * TCP and TLS connection: in a CPU profile of the lab's scheduler binding 300 pods, TLS set-up
 * (createSecureContext, connect, handshakes) cost more than the scheduling itself. client-go keeps
 * one connection per API server and reuses it. The first Agent made is kept and the later ones,
 * which have not connected yet, are dropped: this copy's cluster and credentials never change.
 */
class UserAgentKubeConfig extends KubeConfig {
  private dispatcher: ReturnType<RequestContext['getDispatcher']>;

  constructor(private readonly userAgent: string) {
    super();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setHeaderParam('User-Agent', this.userAgent);
    const made = context.getDispatcher();
    if (made) context.setDispatcher((this.dispatcher ??= made));
  }
}

/** A copy of kc whose requests (API calls and watches) send the given User-Agent. */
export function kubeConfigWithUserAgent(kc: KubeConfig, userAgent: string): KubeConfig {
  const copy = new UserAgentKubeConfig(userAgent);
  copy.loadFromOptions({
    clusters: kc.clusters,
    users: kc.users,
    contexts: kc.contexts,
    currentContext: kc.currentContext,
  });
  return copy;
}

export function clientsFor(kc: KubeConfig, userAgent: string): Clients {
  const kubeConfig = kubeConfigWithUserAgent(kc, userAgent);
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    middleware: [setHeaderMiddleware('User-Agent', userAgent)],
  });
  return {
    core: withLeanWrites(new CoreV1Api(configuration), leanWriter(kubeConfig, userAgent)),
    apps: new AppsV1Api(configuration),
    coordination: new CoordinationV1Api(configuration),
    kubeConfig,
  };
}

/** Pure: a create call with nothing but its object (no dryRun, fieldManager, pretty...), which the lean path can send. */
export function isPlainCreate(params: { body: unknown } & Record<string, unknown>, options: unknown): boolean {
  return options === undefined && Object.keys(params).every((key) => key === 'body' || key === 'name' || key === 'namespace');
}

/**
 * `generated`, a create call of client-node's, made a POST of its body by `writer` to `pathOf`
 * when the call is plain (isPlainCreate); one with query parameters or per-call options still
 * goes the generated client's way. With `answer`, it resolves with the server's copy typed by it
 * (a Pod: its name is the server's when the body has only generateName); without, with the
 * object as sent: no caller reads the server's copy of a Binding or an Event.
 */
function leanCreate<P extends { body: B }, B, O>(generated: (params: P, options?: O) => Promise<B>, writer: LeanWriter, pathOf: (params: P) => string, answer?: (data: unknown) => B): (params: P, options?: O) => Promise<B> {
  return async (params, options) => {
    if (!isPlainCreate(params as unknown as { body: unknown } & Record<string, unknown>, options)) return generated(params, options);
    if (answer) return answer(await writer.postForObject(pathOf(params), params.body));
    await writer.post(pathOf(params), params.body);
    return params.body;
  };
}

/** `core` with the writes made once a pod (a Pod, a Binding, an Event) sent by `writer` (lean-writes.ts says why). */
function withLeanWrites(core: CoreV1Api, writer: LeanWriter): CoreV1Api {
  core.createNamespacedPod = leanCreate(core.createNamespacedPod.bind(core), writer, (p) => podsPath(p.namespace), (data) => decodeTyped<V1Pod>(data, 'V1Pod'));
  core.createNamespacedPodBinding = leanCreate(core.createNamespacedPodBinding.bind(core), writer, (p) => bindingPath(p.namespace, p.name));
  core.createNamespacedEvent = leanCreate(core.createNamespacedEvent.bind(core), writer, (p) => eventsPath(p.namespace));
  return core;
}

/** Request options for a strategic merge patch (client-node sends JSON patch otherwise). */
export const strategicMergePatch = () => setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
