import type { V1PersistentVolume, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workloadContainer } from '../../lab/cluster/workload-image.js';
import { freshNamespace, kubectl, kubectlJson, lab, startLabRun, waitFor, type LabRunProcess } from './support.js';

/**
 * lab-scheduler's volume plugins on the real cluster: a WaitForFirstConsumer StorageClass with no
 * provisioner and one local PV per worker. VolumeBinding picks the PV that fits the node, writes
 * its claimRef in PreBind, and kube-controller-manager's PV controller completes the binding
 * before the pod is bound; a claim no PV can satisfy gets upstream's FailedScheduling message.
 * A second lab-scheduler with its own name and Lease serves the pods, so the main lab is untouched.
 */
const ns = 'e2e-volume-binding';
const schedulerName = 'e2e-vol-sched';
const storageClass = 'e2e-local-wffc';
/** A WaitForFirstConsumer class whose provisioner never answers: PreBind annotates the claim and waits. */
const unprovisionedClass = 'e2e-nowhere-wffc';
const workers = ['lab-worker', 'lab-worker2'];
const pvName = (i: number) => `e2e-vol-pv-${i}`;
const hostPath = (i: number) => `/tmp/e2e-vol-${i}`;

interface List<T> { items: T[] }
interface Event { reason: string; message: string; involvedObject: { kind: string; name: string } }

const apply = (objects: object[]) => kubectl(['apply', '-f', '-'], { input: objects.map((o) => JSON.stringify(o)).join('\n') });

function localPV(i: number, node: string): V1PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: pvName(i) },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: storageClass,
      persistentVolumeReclaimPolicy: 'Retain',
      // PV 3 shares the first worker's directory: a local volume is just a path on the node.
      local: { path: hostPath(i === 3 ? 1 : i) },
      nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } },
    },
  };
}

function claim(name: string, storage: string, className = storageClass): V1PersistentVolumeClaim {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: ns }, spec: { storageClassName: className, accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } };
}

function podUsing(name: string, claimName: string): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: {
      schedulerName,
      terminationGracePeriodSeconds: 1,
      containers: [{ ...workloadContainer({ ready: true }), volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    },
  };
}

async function cleanupClusterScoped(): Promise<void> {
  await kubectl(['delete', 'pv', pvName(1), pvName(2), pvName(3), '--ignore-not-found', '--wait=false'], { reject: false });
  await kubectl(['delete', 'storageclass', storageClass, unprovisionedClass, '--ignore-not-found'], { reject: false });
}

describe('lab-scheduler: VolumeBinding, WaitForFirstConsumer with local PVs', () => {
  let run: LabRunProcess | undefined;

  beforeAll(async () => {
    await freshNamespace(ns);
    await cleanupClusterScoped();
    for (const [i, node] of workers.entries()) {
      const made = await lab(['node', 'exec', node, '--', 'mkdir', '-p', hostPath(i + 1)], { timeoutMs: 60_000 });
      expect(made.exitCode, made.stderr).toBe(0);
    }
    await apply([
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: storageClass }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' },
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: unprovisionedClass }, provisioner: 'example.com/nowhere', volumeBindingMode: 'WaitForFirstConsumer' },
      ...workers.map((node, i) => localPV(i + 1, node)),
    ]);
    run = await startLabRun(['--only', 'scheduler', '--scheduler-name', schedulerName], ['scheduler']);
  }, 300_000);

  afterAll(async () => {
    await run?.stop();
    await kubectl(['delete', 'namespace', ns, '--wait=true', '--timeout=120s'], { reject: false, timeoutMs: 150_000 });
    await cleanupClusterScoped();
    for (const [i, node] of workers.entries()) await lab(['node', 'exec', node, '--', 'rm', '-rf', hostPath(i + 1)], { timeoutMs: 60_000 });
  }, 300_000);

  it('two pods in a row each get the PV of the node they land on; the claims become Bound and the pods run', async () => {
    await apply([claim('data-a', '500Mi'), claim('data-b', '500Mi')]);
    await apply([podUsing('a', 'data-a'), podUsing('b', 'data-b')]);

    const pods = await waitFor('both pods Running', async () => {
      const list = await kubectlJson<List<V1Pod>>(['-n', ns, 'get', 'pods']);
      const running = list.items.filter((p) => p.status?.phase === 'Running');
      return running.length === 2 ? running : undefined;
    }, 180_000);
    // One PV per worker: the assume cache kept the second pod off the first pod's PV.
    expect(new Set(pods.map((p) => p.spec?.nodeName))).toEqual(new Set(workers));

    for (const p of pods) {
      const claimName = p.spec!.volumes![0]!.persistentVolumeClaim!.claimName;
      const pvc = await kubectlJson<V1PersistentVolumeClaim>(['-n', ns, 'get', 'pvc', claimName]);
      expect(pvc.status?.phase).toBe('Bound');
      const pv = await kubectlJson<V1PersistentVolume>(['get', 'pv', pvc.spec!.volumeName!]);
      expect(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0]?.matchExpressions?.[0]?.values).toEqual([p.spec?.nodeName]);
      expect(pv.spec?.claimRef).toMatchObject({ namespace: ns, name: claimName });
    }
  }, 240_000);

  it("a claim no PV can satisfy: FailedScheduling with upstream's message; a missing claim: upstream's PreFilter message", async () => {
    await apply([claim('too-big', '5Gi')]);
    await apply([podUsing('too-big', 'too-big'), podUsing('no-claim', 'does-not-exist')]);
    const failed = async (pod: string) =>
      waitFor(`FailedScheduling for ${pod}`, async () => {
        const list = await kubectlJson<List<Event>>(['-n', ns, 'get', 'events']);
        return list.items.find((e) => e.reason === 'FailedScheduling' && e.involvedObject.name === pod)?.message;
      }, 60_000);
    // The control plane is tainted; both workers lack a free PV of 5Gi (the two 1Gi ones may be taken by now).
    expect(await failed('too-big')).toMatch(/^0\/3 nodes are available: 1 node\(s\) had untolerated taint\(s\), 2 node\(s\) didn't find available persistent volumes to bind\. preemption: /);
    expect(await failed('no-claim')).toMatch(/^0\/3 nodes are available: persistentvolumeclaim "does-not-exist" not found\. preemption: /);
    const claimStatus = await kubectlJson<V1PersistentVolumeClaim>(['-n', ns, 'get', 'pvc', 'too-big']);
    expect(claimStatus.status?.phase).toBe('Pending');
  }, 120_000);

  it('the pod waiting for its claim is retried when the claim and a PV for it appear (queueing hints), long before the 5-minute flush', async () => {
    await apply([localPV(3, workers[0]!), claim('does-not-exist', '100Mi')]);
    const running = await waitFor('no-claim Running', async () => {
      const p = await kubectlJson<V1Pod>(['-n', ns, 'get', 'pod', 'no-claim']);
      return p.status?.phase === 'Running' ? p : undefined;
    }, 120_000); // well inside the queue's 5-minute flush of parked pods, so the PVC/PV events moved it
    expect(running.spec?.nodeName).toBe(workers[0]);
    const bound = await kubectlJson<V1PersistentVolumeClaim>(['-n', ns, 'get', 'pvc', 'does-not-exist']);
    expect(bound.spec?.volumeName).toBe(pvName(3));
  }, 180_000);

  it('dynamic provisioning: PreBind annotates the claim with the chosen node and keeps waiting past the 5 s per-call limit; stopping ends the wait', async () => {
    await apply([claim('provisioned', '100Mi', unprovisionedClass), podUsing('waits', 'provisioned')]);
    const selected = await waitFor('selected-node annotation', async () => {
      const pvc = await kubectlJson<V1PersistentVolumeClaim>(['-n', ns, 'get', 'pvc', 'provisioned']);
      return pvc.metadata?.annotations?.['volume.kubernetes.io/selected-node'];
    }, 60_000);
    expect(workers).toContain(selected);
    // Still waiting for a provisioner that never comes: no failed binding cycle after twice the per-call limit.
    await new Promise((resolve) => setTimeout(resolve, 12_000));
    const list = await kubectlJson<List<Event>>(['-n', ns, 'get', 'events']);
    expect(list.items.filter((e) => e.involvedObject.name === 'waits' && e.reason === 'FailedScheduling')).toEqual([]);
    const started = Date.now();
    expect(await run!.stop()).toBe(0);
    run = undefined;
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 180_000);
});
