import type { V1Pod } from '@kubernetes/client-node';
import type { BindPlugin } from '../framework/interfaces.js';
import { success } from '../framework/status.js';

/** Writes the binding. The scheduler injects one that POSTs pods/NAME/binding; tests inject a fake. */
export interface Binder {
  bind(pod: V1Pod, nodeName: string): Promise<void>;
}

/** Bind: hand the pod to the injected Binder. A thrown API error becomes an Error status (retried with backoff). */
export function createDefaultBinder(binder: Binder): BindPlugin {
  return {
    name: 'DefaultBinder',
    async bind(_state, pod, nodeName) {
      await binder.bind(pod, nodeName);
      return success();
    },
  };
}
