/**
 * The registry's configuration file: filesystem storage in the lab's cache (images persist across
 * restarts), deletes allowed (so `docker`/`crane`-style clean-ups work), plain HTTP on listen:port.
 * Access logs stay on: `lab registry` users read which manifests the nodes asked for.
 */
export interface RegistryConfigInput {
  listen: string;
  port: number;
  dataDir: string;
}

export function renderRegistryConfig({ listen, port, dataDir }: RegistryConfigInput): string {
  const addr = listen.includes(':') ? `[${listen}]:${port}` : `${listen}:${port}`;
  return [
    '# written by k8s-flow-lab (`lab registry up`); rewritten at every start',
    'version: 0.1',
    'log:',
    '  level: info',
    '  formatter: text',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(dataDir)}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${JSON.stringify(addr)}`,
    '  headers:',
    '    X-Content-Type-Options: [nosniff]',
    '',
  ].join('\n');
}

/** The environment the registry runs with: no OpenTelemetry exporter (v3 would post traces to localhost:4318). */
export const REGISTRY_ENV = { OTEL_TRACES_EXPORTER: 'none' };
