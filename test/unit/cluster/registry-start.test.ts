import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BadInputError, LabError } from '../../../lab/base/errors.js';
import { portIsFree } from '../../../lab/cluster/registry/port.js';
import { startRegistry } from '../../../lab/cluster/registry/start.js';
import { readState } from '../../../lab/cluster/registry/state.js';
import { useTempLabDirs } from './registry-temp-dirs.js';

/**
 * The start-up faults with a stand-in "registry": a copy of bash named registry, so the pid check
 * (the executable's name) sees a registry; bash runs the script `serve` it finds on PATH.
 */
describe('startRegistry faults (stand-in registry)', () => {
  const tempDir = useTempLabDirs('lab-registry-start-');
  const standIn = (serveScript: string) => {
    const bin = join(tempDir(), 'bin');
    mkdirSync(bin, { recursive: true });
    copyFileSync('/bin/bash', join(bin, 'registry'));
    chmodSync(join(bin, 'registry'), 0o755);
    writeFileSync(join(bin, 'serve'), serveScript);
    process.env.PATH = `${bin}${delimiter}${process.env.PATH}`;
    return join(bin, 'registry');
  };
  const freePort = async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    return port;
  };

  it('a registry that never answers is stopped after its timeout; the error shows its log; no state is left', async () => {
    const binary = standIn('echo "fake registry: configuring"\necho "fake registry: still not listening"\nsleep 60\n');
    const started = Date.now();
    const error = await startRegistry(binary, { listen: '127.0.0.1', port: await freePort(), timeoutMs: 1500 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).message).toMatch(/did not answer GET http:\/\/127\.0\.0\.1:\d+\/v2\/ within 1\.5 s/);
    expect((error as LabError).message).toContain('| fake registry: still not listening');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(readState()).toBeUndefined();
    expect(existsSync(join(tempDir(), 'state', 'registry', 'config.yml'))).toBe(true);
  });

  it('a registry that exits at once is reported with its last log lines, without waiting for the timeout', async () => {
    const binary = standIn('echo "listen tcp 0.0.0.0:5001: bind: address already in use" >&2\nexit 1\n');
    const started = Date.now();
    const error = await startRegistry(binary, { listen: '127.0.0.1', port: await freePort(), timeoutMs: 30_000 }).catch((e: unknown) => e);
    expect((error as LabError).message).toMatch(/exited before it answered[\s\S]*\| listen tcp 0\.0\.0\.0:5001: bind: address already in use/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(readState()).toBeUndefined();
  });

  it('the process it started is gone after the failure (its process group was stopped)', async () => {
    const binary = standIn('sleep 60\n');
    const running = () => readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/exe`) === binary;
      } catch {
        return false;
      }
    });
    const error = await startRegistry(binary, { listen: '127.0.0.1', port: await freePort(), timeoutMs: 800 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect(running()).toEqual([]);
  });
});

describe('portIsFree', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  it('false where something listens, true once it is gone', async () => {
    server = createServer();
    await new Promise<void>((r) => server!.listen(0, '0.0.0.0', r));
    const port = (server.address() as { port: number }).port;
    expect(await portIsFree('0.0.0.0', port)).toBe(false);
    expect(await portIsFree('127.0.0.1', port)).toBe(false);
    await new Promise((r) => server!.close(r));
    server = undefined;
    expect(await portIsFree('0.0.0.0', port)).toBe(true);
  });

  it('an address that is not this machine\'s is bad input', async () => {
    const error = await portIsFree('203.0.113.7', 5001).catch((e: unknown) => e as BadInputError);
    expect(error).toBeInstanceOf(BadInputError);
    expect(error).toMatchObject({ message: expect.stringContaining('EADDRNOTAVAIL'), fix: expect.stringContaining('--listen') });
  });
});
