import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { Agent, request } from 'undici';
import { describe, expect, it } from 'vitest';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { useLocalApiServer } from '../../support/local-api-server.js';
import { clientsFor, isPlainCreate } from '../../../controllers/shared/kube.js';
import { bindingPath, errorBody, eventsPath, IDLE_CONNECTION_MS, lowerCaseHeaders, withOneSecureContext, writeAgentOptions } from '../../../controllers/shared/lean-writes.js';
import { isConflict } from '../../../controllers/shared/retry.js';

// A local HTTP server stands in for the apiserver: the point is what the lean path sends and how it fails.
interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** How many times each header was sent (a name twice makes an HTTP/2 request fail). */
  rawCounts: Record<string, number>;
  body: string;
}
const seen: Seen[] = [];
/** What the server answers next (status, body); default 201 with a Status body. */
const answers: Array<{ status: number; body: unknown }> = [];
const { server, kubeConfig } = useLocalApiServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const rawCounts: Record<string, number> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) rawCounts[req.rawHeaders[i]!.toLowerCase()] = (rawCounts[req.rawHeaders[i]!.toLowerCase()] ?? 0) + 1;
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawCounts, body });
    const answer = answers.shift() ?? { status: 201, body: { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 201 } };
    res.statusCode = answer.status;
    res.setHeader('Content-Type', 'application/json');
    res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
  });
}, 't0k');

let connections = 0;
server.on('connection', () => connections++);

const binding = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Binding',
  metadata: { name, namespace: 'demo', uid: 'u-1' },
  target: { apiVersion: 'v1', kind: 'Node', name: 'node-a' },
});

describe('the lean write path (Pods, Bindings and Events)', () => {
  it('POSTs a Binding to the pod\'s binding subresource with the credentials, the User-Agent and JSON', async () => {
    const { core } = clientsFor(kubeConfig(), 'k8s-flow-lab/scheduler');
    const result = await core.createNamespacedPodBinding({ namespace: 'demo', name: 'web-1', body: binding('web-1') });
    const request = seen.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/api/v1/namespaces/demo/pods/web-1/binding');
    expect(request.headers.authorization).toBe('Bearer t0k');
    expect(request.headers['user-agent']).toBe('k8s-flow-lab/scheduler');
    expect(request.headers['content-type']).toBe('application/json');
    expect(Object.entries(request.rawCounts).filter(([, n]) => n > 1)).toEqual([]);
    expect(JSON.parse(request.body)).toEqual(binding('web-1'));
    expect(result).toEqual(binding('web-1'));
  });

  it('POSTs an Event to its namespace\'s events', async () => {
    const { core } = clientsFor(kubeConfig(), 'k8s-flow-lab/scheduler');
    const event = { metadata: { name: 'web-1.abc', namespace: 'demo' }, involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'demo' }, reason: 'Scheduled', message: 'Successfully assigned demo/web-1 to node-a' };
    await core.createNamespacedEvent({ namespace: 'demo', body: event });
    expect(seen.at(-1)!.url).toBe('/api/v1/namespaces/demo/events');
    expect(JSON.parse(seen.at(-1)!.body)).toEqual(event);
  });

  it("POSTs a Pod to its namespace's pods and resolves with the server's copy, typed as client-node types it", async () => {
    const { core } = clientsFor(kubeConfig(), 'k8s-flow-lab/replicaset-controller');
    const body = { metadata: { generateName: 'web-', namespace: 'demo' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const created = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-x7k2p', generateName: 'web-', namespace: 'demo', uid: 'u-9', creationTimestamp: '2026-12-04T10:00:00Z' }, spec: body.spec, status: { phase: 'Pending' } };
    answers.push({ status: 201, body: created });
    const pod = await core.createNamespacedPod({ namespace: 'demo', body });
    expect(seen.at(-1)!.url).toBe('/api/v1/namespaces/demo/pods');
    expect(seen.at(-1)!.headers['user-agent']).toBe('k8s-flow-lab/replicaset-controller');
    expect(JSON.parse(seen.at(-1)!.body)).toEqual(body);
    expect(pod.metadata?.name).toBe('web-x7k2p');
    expect(pod.metadata?.creationTimestamp).toEqual(new Date('2026-12-04T10:00:00Z'));
    expect(pod.status?.phase).toBe('Pending');
  });

  it('fails as client-node does: an ApiException with the code and the parsed Status, so retry.ts sees a conflict', async () => {
    const { core } = clientsFor(kubeConfig(), 'k8s-flow-lab/scheduler');
    const status = { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Conflict', code: 409, message: 'pod web-2 is already assigned to node "node-b"' };
    answers.push({ status: 409, body: status });
    const error = await core.createNamespacedPodBinding({ namespace: 'demo', name: 'web-2', body: binding('web-2') }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException<unknown>).code).toBe(409);
    expect((error as ApiException<unknown>).body).toEqual(status);
    expect(isConflict(error)).toBe(true);
  });

  it('works its credentials out again once on a 401, then gives up', async () => {
    const { core } = clientsFor(kubeConfig(), 'k8s-flow-lab/scheduler');
    const before = seen.length;
    answers.push({ status: 401, body: 'Unauthorized' });
    await core.createNamespacedPodBinding({ namespace: 'demo', name: 'web-3', body: binding('web-3') });
    expect(seen.length - before).toBe(2);
    answers.push({ status: 401, body: 'Unauthorized' }, { status: 401, body: 'Unauthorized' });
    const error = await core.createNamespacedPodBinding({ namespace: 'demo', name: 'web-4', body: binding('web-4') }).catch((e: unknown) => e);
    expect((error as ApiException<unknown>).code).toBe(401);
    expect((error as ApiException<unknown>).body).toBe('Unauthorized');
  });

  it('sends a call with query parameters the generated client\'s way, which keeps them', async () => {
    const { core } = clientsFor(kubeConfig(), 'k8s-flow-lab/scheduler');
    await core.createNamespacedPodBinding({ namespace: 'demo', name: 'web-5', body: binding('web-5'), dryRun: 'All' });
    expect(seen.at(-1)!.url).toBe('/api/v1/namespaces/demo/pods/web-5/binding?dryRun=All');
  });

  it('keeps one connection pool for writes in a row', async () => {
    const { core } = clientsFor(kubeConfig(), 'k8s-flow-lab/scheduler');
    await core.createNamespacedPodBinding({ namespace: 'demo', name: 'warm', body: binding('warm') });
    const before = connections;
    for (let i = 0; i < 10; i++) await core.createNamespacedPodBinding({ namespace: 'demo', name: `web-${i}`, body: binding(`web-${i}`) });
    expect(connections - before).toBeLessThanOrEqual(1);
  });
});

describe('lean-writes pure parts', () => {
  it('names headers in lower case, so that none is sent twice', () => {
    expect(lowerCaseHeaders({ 'User-Agent': 'a', Authorization: 'Bearer t' })).toEqual({ 'user-agent': 'a', authorization: 'Bearer t' });
  });

  it('escapes names and namespaces in paths', () => {
    expect(bindingPath('demo', 'a b')).toBe('/api/v1/namespaces/demo/pods/a%20b/binding');
    expect(eventsPath('kube-system')).toBe('/api/v1/namespaces/kube-system/events');
  });

  it('hands on a JSON error body parsed and any other as text', () => {
    expect(errorBody('{"code":409}')).toEqual({ code: 409 });
    expect(errorBody('Unauthorized')).toBe('Unauthorized');
  });

  it('takes the lean path only for a create with nothing but its object', () => {
    expect(isPlainCreate({ namespace: 'a', name: 'b', body: {} }, undefined)).toBe(true);
    expect(isPlainCreate({ namespace: 'a', body: {}, fieldManager: 'x' }, undefined)).toBe(false);
    expect(isPlainCreate({ namespace: 'a', body: {} }, {})).toBe(false);
  });
});

describe("the writes' own HTTP/1.1 agent", () => {
  /** A self-signed certificate for 127.0.0.1 (CN and IP SAN), its own CA and the client's too. */
  const selfSigned = () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  };
  const tlsKubeConfig = (cluster: Record<string, unknown>, pem: { key: string; cert: string } = { key: 'a key', cert: 'a cert' }) => {
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'lab', server: 'https://127.0.0.1:6443', caData: Buffer.from('a CA').toString('base64'), ...cluster }],
      users: [{ name: 'admin', certData: Buffer.from(pem.cert).toString('base64'), keyData: Buffer.from(pem.key).toString('base64') }],
      contexts: [{ name: 'lab', cluster: 'lab', user: 'admin' }],
      currentContext: 'lab',
    });
    return kc;
  };

  it("takes client-node's TLS material, parsed once into one SecureContext, and keep-alive, without HTTP/2 and without a cap on connections", async () => {
    const pem = selfSigned();
    const kc = tlsKubeConfig({ caData: Buffer.from(pem.cert).toString('base64') }, pem);
    const options = await writeAgentOptions(kc, kc.getCurrentCluster()!);
    expect(options).toMatchObject({ allowH2: false, connect: { keepAlive: true }, keepAliveTimeout: IDLE_CONNECTION_MS });
    expect(IDLE_CONNECTION_MS).toBeLessThan(90_000); // the API server's own idle timeout
    expect(options).not.toHaveProperty('connections');
    const connect = options!.connect as Record<string, unknown>;
    expect(connect.secureContext).toBeDefined();
    for (const pemField of ['ca', 'cert', 'key']) expect(connect).not.toHaveProperty(pemField);
  });

  it('connections made with that SecureContext trust the CA and present the client certificate', async () => {
    const pem = selfSigned();
    const seen: string[] = [];
    const server = createHttpsServer({ key: pem.key, cert: pem.cert, ca: pem.cert, requestCert: true, rejectUnauthorized: true }, (req, res) => {
      seen.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? ''));
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const kc = tlsKubeConfig({ server: `https://127.0.0.1:${port}`, caData: Buffer.from(pem.cert).toString('base64') }, pem);
      const agent = new Agent((await writeAgentOptions(kc, kc.getCurrentCluster()!))!);
      // Several at once: undici opens a connection for each, all from the one context.
      const answers = await Promise.all([1, 2, 3].map(() => request(`https://127.0.0.1:${port}/`, { dispatcher: agent }).then((r) => r.body.text().then(() => r.statusCode))));
      expect(answers).toEqual([200, 200, 200]);
      expect(seen).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
      await agent.close();
    } finally {
      server.close();
    }
  });

  it('withOneSecureContext leaves options without TLS material as they are', () => {
    const connect = { keepAlive: true, rejectUnauthorized: false };
    expect(withOneSecureContext(connect)).toBe(connect);
  });

  it("leaves a kubeconfig with a proxy to client-node's dispatcher", async () => {
    const kc = tlsKubeConfig({ proxyUrl: 'http://proxy.example:3128' });
    expect(await writeAgentOptions(kc, kc.getCurrentCluster()!)).toBeUndefined();
  });
});
