import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NODE_IMAGE } from '../../../lab/cluster/image/build.js';
import { KINDEST_NODE_IMAGE, modeOfNodeImage, planImages } from '../../../lab/cluster/image-plan.js';
import { probeRegistries, probeRegistry, probeTargets, type RegistryProbe } from '../../../lab/cluster/registry-probe.js';
import { AGNHOST_IMAGE } from '../../../lab/cluster/workload-image.js';

const up = (registry: string): RegistryProbe => ({ registry, url: `https://${registry}/v2/`, reachable: true, detail: 'HTTP 401', ms: 80 });
const down = (registry: string, detail = 'ENOTFOUND'): RegistryProbe => ({ registry, url: `https://${registry}/v2/`, reachable: false, detail, ms: 3000 });

describe('planImages', () => {
  it('online when every registry answers: kind\'s pinned node image, agnhost pulled', () => {
    const plan = planImages({ probes: [up('registry-1.docker.io'), up('registry.k8s.io')], env: {} });
    expect(plan).toMatchObject({ mode: 'online', nodeImage: KINDEST_NODE_IMAGE, nodeImageIsOurs: false, workload: { image: AGNHOST_IMAGE } });
    expect(plan.reason).toBe('the registries answered: registry-1.docker.io answered (80 ms), registry.k8s.io answered (80 ms)');
    expect(KINDEST_NODE_IMAGE).toMatch(/^kindest\/node:v1\.34\.0@sha256:[0-9a-f]{64}$/);
  });

  it('offline when one does not: the node image built here, and the reason names the one that failed', () => {
    const plan = planImages({ probes: [up('registry-1.docker.io'), down('registry.k8s.io', 'no answer within 3 s')], env: {} });
    expect(plan).toMatchObject({ mode: 'offline', nodeImage: NODE_IMAGE, nodeImageIsOurs: true, workload: { image: AGNHOST_IMAGE } });
    expect(plan.reason).toContain('registry.k8s.io did not (no answer within 3 s)');
  });

  it('LAB_IMAGE_MODE and --image win over the probes, and say so', () => {
    expect(planImages({ mode: 'offline', probes: [], env: {} })).toMatchObject({ mode: 'offline', reason: 'chosen by LAB_IMAGE_MODE=offline' });
    expect(planImages({ mode: 'online', probes: [], env: {} }).nodeImage).toBe(KINDEST_NODE_IMAGE);
    const given = planImages({ nodeImage: 'kindest/node:v1.34.0', probes: [down('registry.k8s.io')], env: {} });
    expect(given.nodeImage).toBe('kindest/node:v1.34.0');
    expect(given.reason).toContain('given by --image or LAB_NODE_IMAGE');
    expect(() => planImages({ mode: 'sometimes', probes: [], env: {} })).toThrow(/LAB_IMAGE_MODE=sometimes is not a mode/);
  });

  it('tells a cluster\'s mode from the image its nodes run', () => {
    expect(modeOfNodeImage(NODE_IMAGE)).toBe('offline');
    expect(modeOfNodeImage(KINDEST_NODE_IMAGE)).toBe('online');
    expect(modeOfNodeImage(undefined)).toBeUndefined();
  });
});

describe('probing a registry', () => {
  let server: Server;
  let base = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/v2/') { res.writeHead(401, { 'www-authenticate': 'Bearer realm="x"' }); res.end(); return; }
      if (req.url === '/broken/v2/') { res.writeHead(503); res.end(); return; }
      if (req.url === '/slow/v2/') return; // never answers
      res.writeHead(404); res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => { server.closeAllConnections(); server.close(); });

  it('a 401 from /v2/ is a registry that can serve pulls', async () => {
    expect(await probeRegistry({ registry: 'r', url: `${base}/v2/` })).toMatchObject({ reachable: true, detail: 'HTTP 401' });
  });

  it('a 5xx, a refused connection and a silence are not', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const [broken, slow, refused] = await probeRegistries([
      { registry: 'broken', url: `${base}/broken/v2/` },
      { registry: 'slow', url: `${base}/slow/v2/` },
      { registry: 'refused', url: `http://127.0.0.1:${closedPort}/v2/` },
    ], 500);
    expect(broken).toMatchObject({ reachable: false, detail: 'HTTP 503' });
    expect(slow).toMatchObject({ reachable: false, detail: 'no answer within 0.5 s' });
    expect(refused).toMatchObject({ reachable: false, detail: 'ECONNREFUSED' });
  });

  it('LAB_PROBE_REGISTRIES points the probe at registries you run', () => {
    expect(probeTargets({ LAB_PROBE_REGISTRIES: 'mirror=http://10.0.0.5:5001/v2/,http://127.0.0.1:5002/v2/' })).toEqual([
      { registry: 'mirror', url: 'http://10.0.0.5:5001/v2/' },
      { registry: '127.0.0.1:5002', url: 'http://127.0.0.1:5002/v2/' },
    ]);
    expect(probeTargets({}).map((t) => t.registry)).toEqual(['registry-1.docker.io', 'registry.k8s.io']);
  });
});
