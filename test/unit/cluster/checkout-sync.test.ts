import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempLabDirs } from './registry-temp-dirs.js';
import { AUDIT_DIR_IN_NODE, hostSourceOf, syncKubeconfigFromKind } from '../../../lab/cluster/checkout-sync.js';

describe('hostSourceOf (docker inspect .Mounts)', () => {
  const mounts = JSON.stringify([
    { Type: 'bind', Source: '/tmp/ci/main/manifests/audit-policy.yaml', Destination: '/etc/kubernetes/audit/policy.yaml' },
    { Type: 'bind', Source: '/tmp/ci/main/.lab/audit', Destination: AUDIT_DIR_IN_NODE },
    { Type: 'volume', Source: '/var/lib/docker/volumes/x/_data', Destination: '/var' },
  ]);

  it('finds the host directory of the audit mount, whichever checkout made the cluster', () => {
    expect(hostSourceOf(mounts, AUDIT_DIR_IN_NODE)).toBe('/tmp/ci/main/.lab/audit');
  });

  it.each([
    ['no such mount', JSON.stringify([{ Source: '/a', Destination: '/b' }])],
    ['empty source', JSON.stringify([{ Source: '', Destination: AUDIT_DIR_IN_NODE }])],
    ['not JSON', 'Error: No such object'],
    ['not a list', 'null'],
  ])('undefined when %s', (_why, json) => {
    expect(hostSourceOf(json, AUDIT_DIR_IN_NODE)).toBeUndefined();
  });
});

describe('syncKubeconfigFromKind (with a stand-in kind binary)', () => {
  const dir = useTempLabDirs('lab-sync-');
  const kubeconfig = () => join(dir(), 'state', 'kubeconfig');
  /** A kubeconfig `existing` in the state dir and a stand-in kind that runs `kindScript`; then one sync. */
  async function syncOver(existing: string, kindScript: string) {
    mkdirSync(join(dir(), 'state'));
    writeFileSync(kubeconfig(), existing);
    mkdirSync(join(dir(), 'cache', 'bin'), { recursive: true });
    const kind = join(dir(), 'cache', 'bin', 'kind');
    writeFileSync(kind, `#!/bin/sh\n${kindScript}\n`);
    chmodSync(kind, 0o755);
    return syncKubeconfigFromKind('lab', kubeconfig());
  }

  it('replaces a stale kubeconfig with the one kind gives, readable by its owner only', async () => {
    const stale = 'apiVersion: v1\nclusters: [{cluster: {server: https://127.0.0.1:37777}}]\n';
    expect(await syncOver(stale, '[ "$1 $2 $3 $4" = "get kubeconfig --name lab" ] || exit 3; echo "apiVersion: v1"; echo "server: https://127.0.0.1:40001"')).toBe('written');
    expect(readFileSync(kubeconfig(), 'utf8')).toBe('apiVersion: v1\nserver: https://127.0.0.1:40001\n');
    expect(statSync(kubeconfig()).mode & 0o777).toBe(0o600);
    expect(await syncKubeconfigFromKind('lab', kubeconfig())).toBe('unchanged');
  });

  it('leaves the file as it was when kind cannot give a kubeconfig (control plane stopped)', async () => {
    expect(await syncOver('old\n', 'echo "ERROR: could not locate any control plane nodes" >&2; exit 1')).toBe('unavailable');
    expect(readFileSync(kubeconfig(), 'utf8')).toBe('old\n');
  });
});
