import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll } from 'vitest';

/**
 * For the tests of the file (or describe block) that calls it: a local HTTP server standing in
 * for the API server, answering with `handler`, listening before the tests and closed after them.
 * Returns the server and a getter for a KubeConfig pointing at it (with `token`, if given).
 */
export function useLocalApiServer(handler: RequestListener, token?: string): { server: Server; kubeConfig: () => KubeConfig } {
  const server = createServer(handler);
  let kc: KubeConfig | undefined;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    kc = new KubeConfig();
    kc.loadFromClusterAndUser({ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }, { name: 'u', ...(token ? { token } : {}) });
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    server,
    kubeConfig: () => {
      if (!kc) throw new Error('the local API server is not listening yet: call kubeConfig() inside a test');
      return kc;
    },
  };
}
