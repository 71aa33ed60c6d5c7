import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../base/errors.js';
import { KIND_VERSION, KUBERNETES_VERSION, toolsBinDir } from './paths.js';

/**
 * kind and kubectl for a machine without Go (online mode, a laptop): the release binaries their
 * projects publish, checked against the SHA-256 published next to them, installed atomically
 * into the cache's bin directory where the lab looks first. The offline build makes the same two
 * tools from Go modules instead.
 */
export type ToolName = 'kind' | 'kubectl';

export interface ToolSource {
  tool: ToolName;
  url: string;
  sha256Url: string;
}

/** Pure: release URLs for a platform (process.platform, process.arch); base URLs can be moved for tests and mirrors. */
export function toolSources(platform: string, arch: string, env: Record<string, string | undefined> = process.env): ToolSource[] {
  const os = platform === 'darwin' ? 'darwin' : platform === 'linux' ? 'linux' : undefined;
  const cpu = arch === 'x64' ? 'amd64' : arch === 'arm64' ? 'arm64' : undefined;
  if (!os || !cpu) {
    throw new LabError(`no kind/kubectl release for ${platform}/${arch}`, 'install kind v0.30.0 and kubectl v1.34 yourself and put them on PATH');
  }
  const kindBase = env.LAB_KIND_DOWNLOAD_URL ?? `https://github.com/kubernetes-sigs/kind/releases/download/${KIND_VERSION}`;
  const kubectlBase = env.LAB_KUBECTL_DOWNLOAD_URL ?? `https://dl.k8s.io/release/${KUBERNETES_VERSION}/bin/${os}/${cpu}`;
  return [
    { tool: 'kind', url: `${kindBase}/kind-${os}-${cpu}`, sha256Url: `${kindBase}/kind-${os}-${cpu}.sha256sum` },
    { tool: 'kubectl', url: `${kubectlBase}/kubectl`, sha256Url: `${kubectlBase}/kubectl.sha256` },
  ];
}

/** Pure: the hex digest in a published checksum file ("<hex>" or "<hex>  <file name>"). */
export function parseSha256File(text: string): string | undefined {
  const first = text.trim().split(/\s+/)[0]?.toLowerCase();
  return first && /^[0-9a-f]{64}$/.test(first) ? first : undefined;
}

async function fetchBytes(url: string, timeoutMs: number): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new LabError(`cannot download ${url}: ${(error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message}`, 'check the network, or install kind v0.30.0 and kubectl v1.34 on PATH');
  }
  if (!response.ok) throw new LabError(`downloading ${url} failed: HTTP ${response.status}`, 'check the network, or install kind v0.30.0 and kubectl v1.34 on PATH');
  return Buffer.from(await response.arrayBuffer());
}

/** Downloads one tool, checks its digest, and moves it into place only when it matches. */
export async function downloadTool(source: ToolSource, opts: { dir?: string; timeoutMs?: number } = {}): Promise<string> {
  const dir = opts.dir ?? toolsBinDir();
  const timeoutMs = opts.timeoutMs ?? 300_000;
  const expected = parseSha256File((await fetchBytes(source.sha256Url, 30_000)).toString('utf8'));
  if (!expected) throw new LabError(`${source.sha256Url} holds no SHA-256 digest`, 'try again later, or install the tool yourself');
  const bytes = await fetchBytes(source.url, timeoutMs);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expected) {
    throw new LabError(`${source.tool} from ${source.url} does not match its published SHA-256 (${actual} ≠ ${expected}); nothing was installed`, 'try again (a broken download or proxy), or install the tool yourself');
  }
  mkdirSync(dir, { recursive: true });
  const target = join(dir, source.tool);
  const partial = `${target}.download`;
  try {
    writeFileSync(partial, bytes);
    chmodSync(partial, 0o755);
    renameSync(partial, target);
  } finally {
    rmSync(partial, { force: true });
  }
  return target;
}
