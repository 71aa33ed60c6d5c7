// The API clients a component of `lab run` acts with.
import type { KubeConfig } from '@kubernetes/client-node';
import type { EventsClient } from '../../controllers/shared/events.js';
import { clientsFor, type Clients } from '../../controllers/shared/kube.js';
import { throttledClient, TokenBucket, type ClientLimits } from '../base/token-bucket.js';
import type { TraceSession } from '../trace/session.js';
import { IDENTITIES, type Component } from './components.js';
import { withWritesTraced } from './lab-controllers.js';

/**
 * A component's clients: its own identity and User-Agent, its writes traced, and with `limits` one
 * token bucket in front of its core and apps calls (lists included; watches, as in client-go, and
 * the Lease renewals, which client-go makes on a client of their own, are not limited).
 * `events` is where its Events go. The scheduler's have a client, and so a bucket, of their own:
 * kube-scheduler makes a second clientset for its event broadcaster, so its Events do not take
 * tokens from its bindings. kube-controller-manager's controllers write theirs with their own client.
 */
export function componentClients(kc: KubeConfig, component: Component, trace: TraceSession | undefined, limits: ClientLimits | undefined): { clients: Clients; events: EventsClient } {
  const plain = clientsFor(kc, IDENTITIES[component].userAgent);
  // One bucket per client, as client-go has one limiter per clientset.
  const newBucket = () => (limits ? new TokenBucket(limits.qps, limits.burst) : undefined);
  const limit = <T extends object>(api: T, bucket: TokenBucket | undefined): T => (bucket ? throttledClient(api, bucket) : api);
  const bucket = newBucket();
  const clients = withWritesTraced({ ...plain, core: limit(plain.core, bucket), apps: limit(plain.apps, bucket) }, component, trace);
  const events = component === 'scheduler' ? withWritesTraced({ ...plain, core: limit(plain.core, newBucket()) }, component, trace).core : clients.core;
  return { clients, events };
}
