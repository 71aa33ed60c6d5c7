import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminKubeconfigPath } from '../../lab/cluster/paths.js';
import { setBuiltinControllers } from '../../lab/cluster/builtin-controllers.js';
import { freshNamespace, kubectl, kubectlJson, lab, waitFor } from './support.js';
import { WORKLOAD, workloadContainer } from '../../lab/cluster/workload-image.js';

/**
 * Issue 2's end-to-end test: the lab's own cluster (offline node image), the built-in controllers
 * and default scheduler, the lab's web image: 3 pods Running over both workers, answering HTTP
 * from inside the cluster by pod IP, Service ClusterIP (kube-proxy) and DNS name (CoreDNS).
 */
const ns = 'e2e-cluster';

interface PodList {
  items: Array<{ metadata: { name: string }; spec: { nodeName?: string }; status: { phase?: string; podIP?: string } }>;
}

describe('a 3-node kind cluster brought up by the lab', () => {
  beforeAll(async () => {
    await setBuiltinControllers(true);
    await freshNamespace(ns);
  });
  afterAll(async () => {
    await kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false'], { reject: false });
  });

  it('`lab up` is idempotent and `lab status --output json` reports three Ready nodes', async () => {
    const again = await lab(['up', '--output', 'json']);
    expect(again.exitCode).toBe(0);
    expect(JSON.parse(again.stdout).created).toBe(false);

    const status = await lab(['status', '--output', 'json']);
    expect(status.exitCode).toBe(0);
    const data = JSON.parse(status.stdout);
    expect(data.healthy).toBe(true);
    expect(data.nodes).toHaveLength(3);
    expect(data.nodes.every((n: { ready: boolean }) => n.ready === true)).toBe(true);
    expect(data.nodes.filter((n: { role: string }) => n.role === 'worker')).toHaveLength(2);
    expect(data.kubernetesVersion).toMatch(/^v1\.34\./);
    expect(data.builtinControllers.deploymentController).toBe(true);
  });

  it('a checkout whose kubeconfig is stale (another checkout recreated the cluster) still finds it healthy', async () => {
    // A second checkout's state: its kubeconfig names a port no API server listens on.
    const state = mkdtempSync(join(tmpdir(), 'lab-other-checkout-'));
    try {
      const stale = readFileSync(adminKubeconfigPath(), 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1');
      expect(stale).toContain('127.0.0.1:1\n'); // the port was there to replace
      writeFileSync(join(state, 'kubeconfig'), stale, { mode: 0o600 });
      const status = await lab(['status', '--output', 'json'], { env: { LAB_STATE_DIR: state } });
      expect(status.exitCode).toBe(0);
      expect(JSON.parse(status.stdout).healthy).toBe(true);
      expect(readFileSync(join(state, 'kubeconfig'), 'utf8')).not.toContain('127.0.0.1:1\n');
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  });

  it('runs 3 replicas of the workload image (agnhost netexec) spread over the workers, answering HTTP inside the cluster', async () => {
    await kubectl(['-n', ns, 'create', 'deployment', 'web', `--image=${WORKLOAD.image}`, '--replicas=3', '--port=8080', '--', '/agnhost', ...WORKLOAD.args]);
    const pods = await waitFor('3 web pods Running', async () => {
      const list = await kubectlJson<PodList>(['-n', ns, 'get', 'pods', '-l', 'app=web']);
      const running = list.items.filter((p) => p.status.phase === 'Running' && p.status.podIP);
      return running.length === 3 ? running : undefined;
    }, 240_000);
    const nodes = new Set(pods.map((p) => p.spec.nodeName));
    expect([...nodes].sort()).toEqual(['lab-worker', 'lab-worker2']);

    await kubectl(['-n', ns, 'expose', 'deployment', 'web', '--port=80', '--target-port=8080']);
    const targets = [
      // netexec's /hostname answers with the pod's name: which pod served the request.
      ...pods.map((p) => ({ url: `http://${p.status.podIP}:8080/hostname`, expect: p.metadata.name })),
      { url: 'http://web/hostname', expect: 'web-' },
      { url: `http://web.${ns}.svc.cluster.local/hostname`, expect: 'web-' },
    ];
    // (busybox's wget -T crashes on this build; the timeout applet bounds each request instead)
    const script = targets.map((t) => `timeout 5 wget -q -O - ${t.url} || echo "FAILED ${t.url}"`).join('; ');
    // A client pod inside the cluster (on whichever node the scheduler picks) asks every target.
    await kubectl(['-n', ns, 'run', 'client', `--image=${WORKLOAD.image}`, '--restart=Never', '--command', '--', 'sleep', '3600']);
    await kubectl(['-n', ns, 'wait', '--for=condition=Ready', 'pod/client', '--timeout=120s'], { timeoutMs: 130_000 });
    const output = await waitFor('HTTP answers from the client pod', async () => {
      const run = await kubectl(['-n', ns, 'exec', 'client', '--', 'sh', '-c', script], { reject: false, timeoutMs: 60_000 });
      return run.exitCode === 0 && !run.stdout.includes('FAILED') ? run.stdout : undefined;
    }, 120_000, 3000);
    for (const target of targets) expect(output).toContain(target.expect);
  });

  it('`lab run` refuses to start the lab controllers next to the built-in ones, and says how to fix it', async () => {
    const result = await lab(['run'], { timeoutMs: 120_000 });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/built-in/);
    expect(result.stderr).toContain('npx lab controllers builtin off');
  });

  it('deletes cleanly: the Deployment, its ReplicaSet and its pods are gone', async () => {
    await kubectl(['-n', ns, 'delete', 'deployment', 'web', '--wait=true'], { timeoutMs: 120_000 });
    await waitFor('web pods gone', async () => {
      const list = await kubectlJson<PodList>(['-n', ns, 'get', 'pods', '-l', 'app=web']);
      return list.items.length === 0;
    }, 120_000);
    const rs = await kubectlJson<{ items: unknown[] }>(['-n', ns, 'get', 'replicasets']);
    expect(rs.items).toHaveLength(0);
  });
});
