// Synthetic traces of create, scale, rolling update and delete, as the taps record them on the
// lab's cluster: with the lab's controllers (informer, decision and write entries plus the audit
// log) or with the built-in ones (audit log only), kubelet and containerd alike, and the
// housekeeping real traces carry (namespace ServiceAccount/ConfigMap, kubectl's 404 probes,
// Events, status writes, repeated watch events). Times and ordering follow a recorded `lab demo`.
import { correlate } from '../../../lab/trace/correlate.js';
import type { Actor, ObjectRef, TraceEntry, TraceInput } from '../../../lab/trace/schema.js';
import { Timeline } from '../../../lab/trace/timeline.js';

export type Controllers = 'lab' | 'builtin';
const START = Date.parse('2025-06-03T14:00:00Z');
const NODES = ['lab-worker', 'lab-worker2'];

interface Owner { kind: string; name: string; uid: string }

export class TraceBuilder {
  private readonly inputs: TraceInput[] = [];
  private rv = 1000;
  private podSeq = 0;
  /** Pods alive per ReplicaSet name. */
  private readonly pods = new Map<string, string[]>();
  private readonly replicas = new Map<string, number>();
  private readonly nodeOfPod = new Map<string, string>();

  /**
   * auditReplicas: the audit tap reads spec.replicas from the bodies of Deployment and ReplicaSet
   * writes (traces recorded before it did have none).
   */
  constructor(readonly controllers: Controllers, readonly ns = 'demo', readonly auditReplicas = true) {}

  private replicasDetail(replicas: number): Record<string, unknown> {
    return this.auditReplicas ? { replicas } : {};
  }

  private get dc(): Actor { return this.controllers === 'lab' ? 'deployment-controller' : 'kube-controller-manager/deployment-controller'; }
  private get rsc(): Actor { return this.controllers === 'lab' ? 'replicaset-controller' : 'kube-controller-manager/replicaset-controller'; }
  private get sched(): Actor { return this.controllers === 'lab' ? 'scheduler' : 'default-scheduler'; }
  private get lab(): boolean { return this.controllers === 'lab'; }

  private ref(kind: string, name: string): ObjectRef { return { kind, namespace: this.ns, name, uid: `${kind}-${name}` }; }
  private nextRv(): string { return String(++this.rv); }
  private add(ms: number, input: Omit<TraceInput, 'at'>): void { this.inputs.push({ ...input, at: new Date(START + ms) }); }

  /** A controller's API write: the lab's as the client saw it plus its audit line; a built-in's audit line only. */
  private write(ms: number, actor: Actor, verb: string, object: ObjectRef, details: Record<string, unknown> = {}, rv?: string, latencyMs = 3, auditOnly: Record<string, unknown> = {}): void {
    const withRv = rv ? { resourceVersion: rv } : {};
    if (this.lab && !actor.startsWith('kubelet@') && !actor.startsWith('kube-controller-manager/generic')) {
      // The write tap places a request at its start; the API server receives it a moment later.
      this.add(ms - 1, { tap: 'write', actor, verb, object, details, latencyMs, ...withRv });
    }
    const audit = { code: verb === 'create' ? 201 : 200, userAgent: `${actor}/v1.34.4`, ...details, ...auditOnly };
    this.add(ms, { tap: 'audit', actor, verb: verb === 'bind' ? 'create' : verb, object, details: audit, latencyMs, ...withRv });
  }

  private etcd(ms: number, verb: 'PUT' | 'DELETE', object: ObjectRef, rv: string, created = false): void {
    this.add(ms, { tap: 'etcd', actor: 'etcd', verb, object: { kind: object.kind, namespace: this.ns, name: object.name }, resourceVersion: rv, details: verb === 'PUT' ? { created } : {} });
  }

  private watch(ms: number, actor: Actor, verb: string, object: ObjectRef, rv: string, diff: unknown[] = [], owner?: Owner): void {
    if (!this.lab) return; // the built-in controllers' watches are not tapped
    this.add(ms, { tap: 'informer', actor, verb, object, resourceVersion: rv, details: { diff, ...(owner ? { owner } : {}) } });
  }

  private decide(ms: number, actor: Actor, verb: string, object: ObjectRef, reason: string): void {
    if (this.lab) this.add(ms, { tap: 'decision', actor, verb, object, details: { reason } });
  }

  private noise(ms: number): void {
    this.add(ms, { tap: 'audit', actor: 'kubectl', verb: 'get', object: this.ref('Deployment', 'web'), details: { code: 404 } });
    this.add(ms + 1, { tap: 'audit', actor: 'kube-controller-manager/service-account-controller', verb: 'create', object: this.ref('ServiceAccount', 'default'), details: { code: 201 } });
    this.etcd(ms + 2, 'PUT', this.ref('ServiceAccount', 'default'), this.nextRv(), true);
  }

  createDeployment(ms: number, name: string, replicas: number, hash: string): number {
    this.noise(ms - 100);
    const dep = this.ref('Deployment', name);
    const rv = this.nextRv();
    this.add(ms, { tap: 'audit', actor: 'kubectl', verb: 'create', object: dep, resourceVersion: rv, details: { code: 201, ...this.replicasDetail(replicas) }, latencyMs: 6 });
    this.etcd(ms + 4, 'PUT', dep, rv, true);
    this.watch(ms + 8, this.dc, 'ADDED', dep, rv, [{ field: 'spec.replicas', to: String(replicas) }]);
    return this.newReplicaSet(ms + 9, name, hash, replicas);
  }

  private newReplicaSet(ms: number, deployment: string, hash: string, replicas: number): number {
    const rsName = `${deployment}-${hash}`;
    const rs = this.ref('ReplicaSet', rsName);
    const owner: Owner = { kind: 'Deployment', name: deployment, uid: `Deployment-${deployment}` };
    this.decide(ms, this.dc, 'createReplicaSet', this.ref('Deployment', deployment), 'no ReplicaSet has the current pod template');
    const rv = this.nextRv();
    this.write(ms + 1, this.dc, 'create', rs, { owner }, rv, 3, this.replicasDetail(replicas));
    this.etcd(ms + 30, 'PUT', rs, rv, true);
    this.watch(ms + 35, this.rsc, 'ADDED', rs, rv, [{ field: 'spec.replicas', to: String(replicas) }], owner);
    this.watch(ms + 36, this.dc, 'ADDED', rs, rv, [], owner);
    this.replicas.set(rsName, replicas);
    this.pods.set(rsName, []);
    // Deployment status writes: housekeeping the story leaves out.
    this.write(ms + 200, this.dc, 'update', this.ref('Deployment', deployment), { subresource: 'status' }, this.nextRv());
    return this.createPods(ms + 36, rsName, replicas);
  }

  /** The ReplicaSet controller creates `count` pods; each is stored, bound, started, Running, Ready. Returns the time the last is Ready. */
  private createPods(ms: number, rsName: string, count: number): number {
    const rs = this.ref('ReplicaSet', rsName);
    const owner: Owner = { kind: 'ReplicaSet', name: rsName, uid: `ReplicaSet-${rsName}` };
    this.decide(ms, this.rsc, 'create', rs, `want ${(this.pods.get(rsName)?.length ?? 0) + count}, create ${count}`);
    let lastReady = ms;
    for (let i = 0; i < count; i++) {
      const podName = `${rsName}-${String.fromCharCode(97 + (this.podSeq % 26))}${String(this.podSeq).padStart(4, 'x')}`;
      this.podSeq++;
      this.pods.get(rsName)!.push(podName);
      const pod = this.ref('Pod', podName);
      const node = NODES[this.podSeq % NODES.length]!;
      this.nodeOfPod.set(podName, node);
      const t = ms + 1 + i * 40;
      const rv = this.nextRv();
      this.write(t, this.rsc, 'create', pod, { owner }, rv);
      // The etcd tap hears of the write late (a loaded 2-core machine), after the scheduler's watch.
      this.etcd(t + 190, 'PUT', pod, rv, true);
      this.watch(t + 185, this.sched, 'ADDED', pod, rv, [], owner);
      this.watch(t + 186, this.rsc, 'ADDED', pod, rv, [], owner);
      this.add(t + 20, { tap: 'audit', actor: this.rsc, verb: 'create', object: this.ref('Event', `${rsName}.${i}`), details: { code: 201 } });
      const tb = t + 200;
      this.decide(tb, this.sched, 'bind', pod, `filter 3 nodes → 2 feasible, bind ${node}`);
      this.write(tb + 1, this.sched, 'bind', pod, { subresource: 'binding', node }, undefined, 4);
      const boundRv = this.nextRv();
      this.etcd(tb + 8, 'PUT', pod, boundRv);
      this.watch(tb + 10, this.rsc, 'MODIFIED', pod, boundRv, [{ field: 'spec.nodeName', to: node }], owner);
      lastReady = this.startPod(tb + 60, pod, node);
    }
    // ReplicaSet status writes: housekeeping too.
    this.write(ms + 300, this.rsc, 'update', rs, { subresource: 'status' }, this.nextRv());
    return lastReady;
  }

  private startPod(ms: number, pod: ObjectRef, node: string): number {
    const kubelet: Actor = `kubelet@${node}`;
    const containerd: Actor = `containerd@${node}`;
    this.add(ms, { tap: 'audit', actor: kubelet, verb: 'get', object: pod, details: { code: 200 } });
    this.write(ms + 5, kubelet, 'patch', pod, { subresource: 'status' }, this.nextRv());
    this.add(ms + 30, { tap: 'kubelet', actor: kubelet, verb: 'status', object: pod, details: { diff: [{ field: 'condition.Ready', to: 'False' }, { field: 'container.web', to: 'waiting(ContainerCreating)' }] } });
    const steps: Array<[string, string, number]> = [
      ['/containers/create', 'sandbox', 300], ['/tasks/create', 'sandbox', 760], ['/tasks/start', 'sandbox', 790],
      ['/containers/create', 'container', 850], ['/tasks/create', 'container', 1070], ['/tasks/start', 'container', 1090],
    ];
    for (const [topic, kind, dt] of steps) {
      const details = kind === 'sandbox' ? { containerId: `sb-${pod.name}`, containerKind: 'sandbox' } : { containerId: `c-${pod.name}`, containerKind: 'container', container: 'web' };
      this.add(ms + dt, { tap: 'containerd', actor: containerd, verb: topic, object: { kind: 'Pod', namespace: this.ns, name: pod.name, uid: pod.uid! }, details });
    }
    for (const reason of ['Pulled', 'Created', 'Started']) {
      this.add(ms + 1100, { tap: 'kubelet', actor: kubelet, verb: reason, object: pod, details: { container: 'web', message: `${reason} container web` } });
    }
    const runningRv = this.nextRv();
    this.write(ms + 1180, kubelet, 'patch', pod, { subresource: 'status' }, runningRv);
    this.etcd(ms + 1185, 'PUT', pod, runningRv);
    this.add(ms + 1190, {
      tap: 'kubelet', actor: kubelet, verb: 'status', object: pod, resourceVersion: runningRv,
      details: { diff: [{ field: 'status.phase', from: 'Pending', to: 'Running' }, { field: 'condition.Ready', from: 'False', to: 'True' }, { field: 'container.web', from: 'waiting(ContainerCreating)', to: 'running' }] },
    });
    return ms + 1190;
  }

  /** kubectl scale: the Deployment controller changes the ReplicaSet's replicas, the ReplicaSet controller adds or removes pods. */
  scaleDeployment(ms: number, name: string, rsName: string, to: number): number {
    const dep = this.ref('Deployment', name);
    const rv = this.nextRv();
    this.add(ms, { tap: 'audit', actor: 'kubectl', verb: 'patch', object: dep, resourceVersion: rv, details: { code: 200, subresource: 'scale', ...this.replicasDetail(to) }, latencyMs: 5 });
    this.etcd(ms + 4, 'PUT', dep, rv);
    const from = this.replicas.get(rsName)!;
    this.watch(ms + 8, this.dc, 'MODIFIED', dep, rv, [{ field: 'spec.replicas', from: String(from), to: String(to) }]);
    return this.scaleReplicaSet(ms + 10, name, rsName, to);
  }

  private scaleReplicaSet(ms: number, deployment: string, rsName: string, to: number): number {
    const rs = this.ref('ReplicaSet', rsName);
    const from = this.replicas.get(rsName)!;
    const owner: Owner = { kind: 'Deployment', name: deployment, uid: `Deployment-${deployment}` };
    this.decide(ms, this.dc, 'scale', rs, `replicas ${from}→${to}`);
    const rv = this.nextRv();
    this.write(ms + 1, this.dc, 'update', rs, { owner }, rv, 3, this.replicasDetail(to));
    this.etcd(ms + 6, 'PUT', rs, rv);
    this.watch(ms + 9, this.rsc, 'MODIFIED', rs, rv, [{ field: 'spec.replicas', from: String(from), to: String(to) }], owner);
    this.replicas.set(rsName, to);
    if (to > from) return this.createPods(ms + 10, rsName, to - from);
    return this.deletePods(ms + 10, rsName, from - to, this.rsc);
  }

  private deletePods(ms: number, rsName: string, count: number, actor: Actor): number {
    const victims = this.pods.get(rsName)!.splice(0, count);
    this.decide(ms, actor, 'delete', this.ref('ReplicaSet', rsName), `want fewer, delete ${count}`);
    let last = ms;
    victims.forEach((podName, i) => {
      const pod = this.ref('Pod', podName);
      const node = this.nodeOfPod.get(podName)!;
      const t = ms + 1 + i * 20;
      const rv = this.nextRv();
      this.write(t, actor, 'delete', pod, {}, rv);
      this.etcd(t + 6, 'PUT', pod, rv);
      this.add(t + 40, { tap: 'kubelet', actor: `kubelet@${node}`, verb: 'Killing', object: pod, details: { container: 'web', message: 'Stopping container web' } });
      this.add(t + 300, { tap: 'containerd', actor: `containerd@${node}`, verb: '/tasks/exit', object: { kind: 'Pod', namespace: this.ns, name: podName, uid: pod.uid! }, details: { containerId: `c-${podName}`, containerKind: 'container', container: 'web', exitStatus: 0 } });
      this.add(t + 420, { tap: 'containerd', actor: `containerd@${node}`, verb: '/tasks/exit', object: { kind: 'Pod', namespace: this.ns, name: podName, uid: pod.uid! }, details: { containerId: `sb-${podName}`, containerKind: 'sandbox', exitStatus: 0 } });
      const goneRv = this.nextRv();
      this.add(t + 500, { tap: 'audit', actor: `kubelet@${node}`, verb: 'delete', object: pod, resourceVersion: goneRv, details: { code: 200 } });
      this.etcd(t + 505, 'DELETE', pod, goneRv);
      last = t + 505;
    });
    return last;
  }

  /** kubectl set image: a new ReplicaSet scales up while the old one scales down, one pod at a time (maxSurge 1, maxUnavailable 0). */
  rollingUpdate(ms: number, name: string, oldRs: string, newHash: string): number {
    const dep = this.ref('Deployment', name);
    const rv = this.nextRv();
    this.add(ms, { tap: 'audit', actor: 'kubectl', verb: 'patch', object: dep, resourceVersion: rv, details: { code: 200 }, latencyMs: 5 });
    this.etcd(ms + 4, 'PUT', dep, rv);
    this.watch(ms + 8, this.dc, 'MODIFIED', dep, rv, []);
    const total = this.replicas.get(oldRs)!;
    let t = this.newReplicaSet(ms + 9, name, newHash, 1);
    const newRs = `${name}-${newHash}`;
    for (let n = 1; n <= total; n++) {
      t = this.scaleReplicaSet(t + 20, name, oldRs, total - n);
      if (n < total) t = this.scaleReplicaSet(t + 20, name, newRs, n + 1);
    }
    return t;
  }

  /**
   * kubectl delete deployment (background propagation): the garbage collector deletes the
   * ReplicaSets, then their pods. A Deployment or ReplicaSet is removed at once: the API server
   * answers the delete with a Status, so the audit line has no resourceVersion.
   */
  deleteDeployment(ms: number, name: string, rsGoneFromEtcdAfterMs = 55): number {
    const dep = this.ref('Deployment', name);
    this.add(ms, { tap: 'audit', actor: 'kubectl', verb: 'delete', object: dep, details: { code: 200 }, latencyMs: 5 });
    this.etcd(ms + 4, 'DELETE', dep, this.nextRv());
    const gc: Actor = 'kube-controller-manager/generic-garbage-collector';
    let last = ms;
    [...this.pods.keys()].forEach((rsName, i) => {
      const rs = this.ref('ReplicaSet', rsName);
      this.add(ms + 50 + i, { tap: 'audit', actor: gc, verb: 'delete', object: rs, details: { code: 200 } });
      this.etcd(ms + rsGoneFromEtcdAfterMs + i, 'DELETE', rs, this.nextRv());
      last = Math.max(last, this.deletePods(ms + 100 + i * 5, rsName, this.pods.get(rsName)!.length, gc));
    });
    return last;
  }

  /** Entries as a session records them (in order of arrival), then re-linked as `lab trace export` does. */
  entries(): TraceEntry[] {
    const correlator = { link: (e: TraceEntry) => e };
    const timeline = new Timeline({ startMs: START, now: () => START, enrich: (e) => correlator.link(e) });
    for (const input of [...this.inputs].sort((a, b) => a.at!.getTime() - b.at!.getTime())) timeline.append(input);
    return correlate(timeline.entries());
  }
}

export function createTrace(controllers: Controllers, replicas = 3): TraceEntry[] {
  const b = new TraceBuilder(controllers);
  b.createDeployment(200, 'web', replicas, '77df657bb8');
  return b.entries();
}

export function scaleTrace(controllers: Controllers, from: number, to: number, auditReplicas = true): TraceEntry[] {
  const b = new TraceBuilder(controllers, 'demo', auditReplicas);
  const ready = b.createDeployment(200, 'web', from, '77df657bb8');
  b.scaleDeployment(ready + 2000, 'web', 'web-77df657bb8', to);
  return b.entries();
}

export function rollingUpdateTrace(controllers: Controllers, replicas = 3, auditReplicas = true): TraceEntry[] {
  const b = new TraceBuilder(controllers, 'demo', auditReplicas);
  const ready = b.createDeployment(200, 'web', replicas, '77df657bb8');
  b.rollingUpdate(ready + 2000, 'web', 'web-77df657bb8', '5c8f9d6b4');
  return b.entries();
}

/** `rsGoneFromEtcdAfterMs`: when the etcd tap hears the ReplicaSet's DELETE (late on a loaded machine: after the pods' deletes). */
export function deleteTrace(controllers: Controllers, rsGoneFromEtcdAfterMs?: number): TraceEntry[] {
  const b = new TraceBuilder(controllers);
  const ready = b.createDeployment(200, 'web', 3, '77df657bb8');
  b.deleteDeployment(ready + 2000, 'web', rsGoneFromEtcdAfterMs);
  return b.entries();
}
