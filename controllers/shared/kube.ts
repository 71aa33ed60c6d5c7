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
} from '@kubernetes/client-node';

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

class UserAgentKubeConfig extends KubeConfig {
  constructor(private readonly userAgent: string) {
    super();
  }

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    context.setHeaderParam('User-Agent', this.userAgent);
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
    core: new CoreV1Api(configuration),
    apps: new AppsV1Api(configuration),
    coordination: new CoordinationV1Api(configuration),
    kubeConfig,
  };
}

/** Request options for a strategic merge patch (client-node sends JSON patch otherwise). */
export const strategicMergePatch = () => setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
