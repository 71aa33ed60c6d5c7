/**
 * What a pod asks for and what a node offers, as plain numbers keyed by resource name.
 * cpu is in millicores; every other resource (memory, ephemeral-storage, pods, extended
 * resources such as example.com/gpu) is in its base unit.
 */
import type { V1Container, V1Node, V1Pod } from '@kubernetes/client-node';
import { quantityMilliValue, quantityValue } from '../quantity.js';

export type ResourceAmounts = Record<string, number>;

/** The scheduler's stand-in for a missing cpu request when scoring (upstream DefaultMilliCPURequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** The stand-in for a missing memory request when scoring: 200 MiB (upstream DefaultMemoryRequest). */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

type QuantityMap = Record<string, string | number> | undefined;

export function amountOf(resource: string, quantity: string | number): number {
  return resource === 'cpu' ? quantityMilliValue(quantity) : quantityValue(quantity);
}

export function toAmounts(list: QuantityMap): ResourceAmounts {
  const out: ResourceAmounts = {};
  for (const [name, quantity] of Object.entries(list ?? {})) out[name] = amountOf(name, quantity);
  return out;
}

export function addInto(target: ResourceAmounts, extra: ResourceAmounts, sign = 1): void {
  for (const [name, value] of Object.entries(extra)) target[name] = (target[name] ?? 0) + sign * value;
}

function maxInto(target: ResourceAmounts, other: ResourceAmounts): void {
  for (const [name, value] of Object.entries(other)) target[name] = Math.max(target[name] ?? 0, value);
}

function containerRequests(container: V1Container, nonZero: boolean): ResourceAmounts {
  const requests = toAmounts(container.resources?.requests as QuantityMap);
  if (nonZero) {
    // Only a missing key gets the default: an explicit "0" stays 0, as upstream.
    if (!('cpu' in requests)) requests.cpu = DEFAULT_MILLI_CPU_REQUEST;
    if (!('memory' in requests)) requests.memory = DEFAULT_MEMORY_REQUEST;
  }
  return requests;
}

/** A sidecar is an init container that keeps running (restartPolicy: Always). */
function isSidecar(container: V1Container): boolean {
  return container.restartPolicy === 'Always';
}

/**
 * Effective requests of a pod: the sum of its containers and sidecars, or the largest init
 * container (plus the sidecars started before it) if that is bigger, plus the pod overhead.
 * With `nonZero`, containers missing a cpu or memory request count 100m / 200Mi, which keeps
 * request-less pods from all piling onto one node when scoring.
 */
/**
 * Both variants per pod object, computed once: a cycle asks for the pod's requests on every node
 * (Fit, the allocation scores), which at 1,000 nodes parsed the same quantities thousands of times
 * a pod. Safe because pods are never edited in place here (the cache and informers replace them),
 * and the results are frozen so a caller that tried to edit one would fail loudly.
 */
const requestsMemo = { exact: new WeakMap<V1Pod, Readonly<ResourceAmounts>>(), nonZero: new WeakMap<V1Pod, Readonly<ResourceAmounts>>() };

export function podRequests(pod: V1Pod, opts: { nonZero?: boolean } = {}): Readonly<ResourceAmounts> {
  const memo = opts.nonZero ? requestsMemo.nonZero : requestsMemo.exact;
  let requests = memo.get(pod);
  if (!requests) memo.set(pod, (requests = Object.freeze(computePodRequests(pod, opts.nonZero ?? false))));
  return requests;
}

function computePodRequests(pod: V1Pod, nonZero: boolean): ResourceAmounts {
  const total: ResourceAmounts = {};
  for (const container of pod.spec?.containers ?? []) addInto(total, containerRequests(container, nonZero));

  const sidecarsSoFar: ResourceAmounts = {};
  const initPeak: ResourceAmounts = {};
  for (const init of pod.spec?.initContainers ?? []) {
    const requests = containerRequests(init, nonZero);
    if (isSidecar(init)) {
      addInto(sidecarsSoFar, requests);
      addInto(total, requests);
      maxInto(initPeak, { ...sidecarsSoFar });
    } else {
      const whileRunning = { ...sidecarsSoFar };
      addInto(whileRunning, requests);
      maxInto(initPeak, whileRunning);
    }
  }
  maxInto(total, initPeak);
  addInto(total, toAmounts(pod.spec?.overhead as QuantityMap));
  return total;
}

export function nodeAllocatable(node: V1Node | undefined): ResourceAmounts {
  return toAmounts((node?.status?.allocatable ?? node?.status?.capacity) as QuantityMap);
}

export interface HostPort {
  hostIP: string;
  protocol: string;
  port: number;
}

/** Host ports a pod wants: every container port with a hostPort, defaulting IP 0.0.0.0 and TCP. */
export function podHostPorts(pod: V1Pod): HostPort[] {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter(isSidecar)];
  const ports: HostPort[] = [];
  for (const container of containers) {
    for (const p of container.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      ports.push({ hostIP: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
    }
  }
  return ports;
}

/** Two host ports clash on the same port and protocol if either binds all addresses or both bind the same one. */
export function hostPortsConflict(a: HostPort, b: HostPort): boolean {
  if (a.port !== b.port || a.protocol !== b.protocol) return false;
  return a.hostIP === '0.0.0.0' || b.hostIP === '0.0.0.0' || a.hostIP === b.hostIP;
}
