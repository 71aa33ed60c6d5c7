import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitOnto, imageExists, removeStage, stage } from '../../lab/cluster/image/docker-images.js';
import { registryPaths } from '../../lab/cluster/registry/paths.js';
import { freshNamespace, kubectl, kubectlJson, lab, waitFor } from './support.js';
import { pushImage, REGISTRY_IMAGES } from '../../lab/cluster/registry/push.js';
import { WORKLOAD } from '../../lab/cluster/workload-image.js';

/**
 * Issue 11, part 3b: `lab registry up|down|status` on the real cluster. A workload image is pushed
 * under a tag no node has, so the pod can only start if its node's containerd pulls it through
 * the lab registry (this machine reaches no public registry). The registry is left down and the
 * nodes' hosts files removed: the tests that follow run without it.
 */
const ns = 'e2e-registry';
const tag = `pull-${process.pid}-${Date.now().toString(36)}`;
const image = `lab.local/web:${tag}`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

interface Status {
  running: boolean;
  cleaned?: string;
  pid?: number;
  url?: string;
  repositories: { name: string; tags: string[] }[];
  nodes: { node: string; mirrors: Record<string, string>; usesThisRegistry: boolean }[];
}

async function status(): Promise<Status> {
  const result = await lab(['registry', 'status', '--output', 'json']);
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Status;
}

describe('lab registry: the nodes pull through a local registry', () => {
  let port: number;
  let holder: Server | undefined;
  let pushedDigest: string | undefined;
  beforeAll(async () => {
    await lab(['registry', 'down']); // a registry left from an earlier run would hide a start-up failure
    await freshNamespace(ns);
    port = await freePort();
  });
  afterAll(async () => {
    await new Promise((r) => (holder ? holder.close(r) : r(undefined)));
    await lab(['registry', 'down']);
    await kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false'], { reject: false });
    await execa('docker', ['image', 'rm', image], { reject: false });
  });

  it('`lab registry up` starts it, pushes the workload images and points every node at it', async () => {
    const started = Date.now();
    const up = await lab(['registry', 'up', '--port', String(port), '--output', 'json']);
    expect(up.exitCode, up.stderr).toBe(0);
    const result = JSON.parse(up.stdout);
    console.log(`[registry] up in ${Date.now() - started} ms (CLI start included): build ${result.binary.cached ? 'cached' : `${result.timings.buildMs} ms`}, start ${result.timings.startMs} ms, push ${result.timings.pushMs} ms, nodes ${result.timings.nodesMs} ms`);
    expect(result.url).toBe(`http://127.0.0.1:${port}`);
    expect(result.nodes).toHaveLength(3);
    expect(result.nodeMirrorUrl).toMatch(new RegExp(`^http://\\d+\\.\\d+\\.\\d+\\.\\d+:${port}$`));
    // Every workload image the lab names that this machine's Docker has is served.
    for (const name of REGISTRY_IMAGES) if (await imageExists(name)) expect(result.images.map((i: { image: string }) => i.image)).toContain(name);
    expect(JSON.parse(readFileSync(registryPaths().statePath, 'utf8'))).toMatchObject({ pid: result.pid, port, url: result.url });

    const again = await lab(['registry', 'up', '--output', 'json']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ alreadyRunning: true, pid: result.pid, port });
  });

  it('a pod whose image no node has starts: its node pulled it through the registry', async () => {
    // The lab's workload image (agnhost, running `pause`), with one layer of our own on top, so
    // the node has to fetch a layer too, not only the manifest.
    const source = WORKLOAD.image;
    expect(await imageExists(source), `${source} is not in Docker (npx lab image build)`).toBe(true);
    const stageDir = stage([{ path: '/registry-e2e.txt', content: `${tag}\n` }]);
    try {
      await commitOnto(source, stageDir, image, []);
    } finally {
      removeStage(stageDir);
    }
    const pushed = await pushImage(image, `127.0.0.1:${port}`);
    expect(pushed).toMatchObject({ repository: 'web', tag });
    pushedDigest = pushed.digest;

    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'pulled', namespace: ns },
      spec: {
        schedulerName: 'default-scheduler',
        terminationGracePeriodSeconds: 1,
        containers: [{ name: 'main', image, imagePullPolicy: 'IfNotPresent', args: ['pause'] }],
      },
    };
    const created = Date.now();
    await kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod) });
    await waitFor('the pod Running', async () => (await kubectlJson<{ status?: { phase?: string } }>(['get', 'pod', 'pulled', '-n', ns])).status?.phase === 'Running', 120_000);
    const runningMs = Date.now() - created;

    const events = await waitFor('the Pulled event', async () => {
      const list = await kubectlJson<{ items: { reason: string; message: string }[] }>(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=pulled']);
      return list.items.some((e) => e.reason === 'Pulled') && list;
    }, 30_000);
    const reasons = events.items.map((e) => e.reason);
    expect(reasons).toContain('Pulling');
    const pulled = events.items.find((e) => e.reason === 'Pulled');
    expect(pulled?.message).toContain(`Successfully pulled image "${image}"`);
    expect(events.items.some((e) => /already present on machine/.test(e.message))).toBe(false);
    console.log(`[registry] pod Running ${runningMs} ms after create; kubelet: ${pulled?.message}`);

    // containerd asked the mirror with the image's own host as ns= (no override_path).
    const log = readFileSync(registryPaths().logPath, 'utf8');
    expect(log).toMatch(new RegExp(`"(HEAD|GET) /v2/web/manifests/${tag}\\?ns=lab\\.local HTTP`));
    expect(log).toMatch(new RegExp(`"GET /v2/web/manifests/(${tag}|${pushed.digest ?? 'sha256:[0-9a-f]{64}'})\\?ns=lab\\.local HTTP/1\\.1" 200`));
    expect(log).toMatch(/"GET \/v2\/web\/blobs\/sha256:[0-9a-f]{64}\?ns=lab\.local HTTP\/1\.1" 200/); // our layer
  });

  it('`lab registry status --output json` lists the repository and tag and the nodes that use it', async () => {
    const s = await status();
    expect(s.running).toBe(true);
    expect(s.repositories.find((r) => r.name === 'web')?.tags).toContain(tag);
    expect(s.nodes).toHaveLength(3);
    expect(s.nodes.every((n) => n.usesThisRegistry && Object.keys(n.mirrors).sort().join() === 'docker.io,lab.local,registry.k8s.io')).toBe(true);
  });

  it('a port held by another process: exit 2, who holds it, a free port to use; the running registry is untouched', async () => {
    holder = createServer();
    await new Promise<void>((r) => holder!.listen(0, '0.0.0.0', r));
    const held = (holder.address() as { port: number }).port;
    const before = readFileSync(registryPaths().statePath, 'utf8');
    const result = await lab(['registry', 'up', '--port', String(held)]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`port ${held} is already in use by ("node[^"]*" \\(pid ${process.pid}\\)|another process)`));
    expect(result.stderr).toMatch(/fix:.*npx lab registry up --port \d+/);
    expect(readFileSync(registryPaths().statePath, 'utf8')).toBe(before);
    expect((await status()).running).toBe(true);
  });

  it('docker missing: exit 2 with how to install it', async () => {
    const result = await lab(['registry', 'up'], { env: { PATH: dirname(process.execPath) } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/`docker` was not found[\s\S]*fix:/);
  });

  it('a SIGKILLed registry: status says not running and cleans its state; the next up starts it again', async () => {
    const { pid } = JSON.parse(readFileSync(registryPaths().statePath, 'utf8')) as { pid: number };
    process.kill(pid, 'SIGKILL');
    await waitFor('the registry gone', async () => !existsSync(`/proc/${pid}`) || /\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')), 10_000, 100);
    const s = await status();
    expect(s.running).toBe(false);
    expect(s.cleaned).toMatch(new RegExp(`pid ${pid} \\(port ${port}\\) is no longer running`));
    expect(existsSync(registryPaths().statePath)).toBe(false);

    const up = await lab(['registry', 'up', '--port', String(port), '--output', 'json']);
    expect(up.exitCode, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout).pid).not.toBe(pid);
    expect((await status()).repositories.find((r) => r.name === 'web')?.tags).toContain(tag); // the images outlived the process
  });

  it('`lab registry down` stops it and removes the nodes\' hosts files; status says not running', async () => {
    // The stored images outlive the registry: take this test's tag out first (deletes are enabled).
    expect(pushedDigest).toMatch(/^sha256:/);
    const deleted = await fetch(`http://127.0.0.1:${port}/v2/web/manifests/${pushedDigest}`, { method: 'DELETE' });
    expect(deleted.status).toBe(202);
    const down = await lab(['registry', 'down', '--output', 'json']);
    expect(down.exitCode, down.stderr).toBe(0);
    const result = JSON.parse(down.stdout);
    expect(result.stopped).toBe('SIGTERM');
    expect(result.nodes.map((n: { removed: string[] }) => n.removed.length)).toEqual([3, 3, 3]);
    const s = await status();
    expect(s.running).toBe(false);
    expect(s.nodes.every((n) => Object.keys(n.mirrors).length === 0)).toBe(true);
    expect(existsSync(registryPaths().statePath)).toBe(false);
  });
});
