// Builders mirroring upstream's test helpers (newDeployment, rs) in deployment_controller_test.go.
import type { IntOrString, V1Deployment, V1ReplicaSet } from '@kubernetes/client-node';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION } from '../../../controllers/deployment/constants.js';

export const NEW_TS = new Date('2016-05-20T02:00:00Z');
export const OLD_TS = new Date('2016-05-20T01:00:00Z');
export const OLDER_TS = new Date('2016-05-20T00:00:00Z');

export interface DeploymentOpts {
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  selector?: Record<string, string>;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  strategy?: 'RollingUpdate' | 'Recreate';
  generation?: number;
}

/** Like upstream's newDeployment: RollingUpdate with maxSurge 0 / maxUnavailable 0 unless given. */
export function deployment(name: string, replicas: number, opts: DeploymentOpts = {}): V1Deployment {
  const selector = opts.selector ?? { app: name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, generation: opts.generation ?? 1, annotations: {} },
    spec: {
      replicas,
      selector: { matchLabels: { ...selector } },
      strategy:
        opts.strategy === 'Recreate'
          ? { type: 'Recreate' }
          : { type: 'RollingUpdate', rollingUpdate: { maxSurge: opts.maxSurge ?? 0, maxUnavailable: opts.maxUnavailable ?? 0 } },
      template: { metadata: { labels: { ...selector } }, spec: { containers: [{ name: 'c', image: 'foo/bar' }] } },
      revisionHistoryLimit: opts.revisionHistoryLimit,
      progressDeadlineSeconds: opts.progressDeadlineSeconds,
    },
    status: {},
  };
}

export function rs(name: string, replicas: number, created: Date = NEW_TS, extra: Partial<V1ReplicaSet['status']> = {}): V1ReplicaSet {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: created, annotations: {} },
    spec: { replicas, selector: { matchLabels: {} }, template: {} },
    status: { replicas: 0, ...extra },
  };
}

export function withReplicaAnnotations(r: V1ReplicaSet, desired: number, max: number): V1ReplicaSet {
  r.metadata!.annotations = { ...r.metadata!.annotations, [DESIRED_REPLICAS_ANNOTATION]: String(desired), [MAX_REPLICAS_ANNOTATION]: String(max) };
  return r;
}

export function withAnnotations(r: V1ReplicaSet, annotations: Record<string, string>): V1ReplicaSet {
  r.metadata!.annotations = { ...r.metadata!.annotations, ...annotations };
  return r;
}
