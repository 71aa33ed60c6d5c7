import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { downloadTool, parseSha256File, toolSources } from '../../../lab/cluster/tool-download.js';

describe('toolSources', () => {
  it('names kind\'s and Kubernetes\' release binaries for the platform', () => {
    const [kind, kubectl] = toolSources('darwin', 'arm64', {});
    expect(kind).toEqual({ tool: 'kind', url: 'https://github.com/kubernetes-sigs/kind/releases/download/v0.30.0/kind-darwin-arm64', sha256Url: 'https://github.com/kubernetes-sigs/kind/releases/download/v0.30.0/kind-darwin-arm64.sha256sum' });
    expect(kubectl!.url).toBe('https://dl.k8s.io/release/v1.34.4/bin/darwin/arm64/kubectl');
    expect(toolSources('linux', 'x64', {})[0]!.url).toMatch(/kind-linux-amd64$/);
    expect(() => toolSources('win32', 'x64', {})).toThrow(/no kind\/kubectl release for win32\/x64/);
  });

  it('reads both checksum file styles', () => {
    const hex = 'a'.repeat(64);
    expect(parseSha256File(`${hex}  kind-linux-amd64\n`)).toBe(hex);
    expect(parseSha256File(hex.toUpperCase())).toBe(hex);
    expect(parseSha256File('<html>not found</html>')).toBeUndefined();
  });
});

describe('downloadTool', () => {
  const binary = Buffer.from('#!/bin/sh\necho kind v0.30.0\n');
  const digest = createHash('sha256').update(binary).digest('hex');
  let server: Server;
  let base = '';
  let dir = '';
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/good/kind') res.end(binary);
      else if (req.url === '/good/kind.sha256sum') res.end(`${digest}  kind\n`);
      else if (req.url === '/tampered/kind') res.end(Buffer.concat([binary, Buffer.from('x')]));
      else if (req.url === '/tampered/kind.sha256sum') res.end(`${digest}  kind\n`);
      else { res.writeHead(404); res.end('nope'); }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'lab-tools-'));
  });
  afterAll(() => { server.close(); rmSync(dir, { recursive: true, force: true }); });

  it('installs a binary whose digest matches, executable', async () => {
    const path = await downloadTool({ tool: 'kind', url: `${base}/good/kind`, sha256Url: `${base}/good/kind.sha256sum` }, { dir });
    expect(readFileSync(path)).toEqual(binary);
    expect(statSync(path).mode & 0o111).not.toBe(0);
  });

  it('refuses one that does not match, or is missing, and installs nothing', async () => {
    const other = mkdtempSync(join(tmpdir(), 'lab-tools-'));
    try {
      await expect(downloadTool({ tool: 'kind', url: `${base}/tampered/kind`, sha256Url: `${base}/tampered/kind.sha256sum` }, { dir: other })).rejects.toThrow(/does not match its published SHA-256/);
      await expect(downloadTool({ tool: 'kubectl', url: `${base}/missing/kubectl`, sha256Url: `${base}/missing/kubectl.sha256` }, { dir: other })).rejects.toThrow(/holds no SHA-256 digest|HTTP 404/);
      expect(existsSync(join(other, 'kind'))).toBe(false);
      expect(readdirSync(other)).toEqual([]);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
