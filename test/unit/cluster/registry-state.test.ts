import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanStaleState } from '../../../lab/cluster/registry/observe.js';
import { processRunsBinary } from '../../../lab/cluster/registry/process.js';
import { judgeState, parseState, readState, writeState, type RegistryState } from '../../../lab/cluster/registry/state.js';
import { useTempLabDirs } from './registry-temp-dirs.js';

const good: RegistryState = {
  pid: 4242, port: 5001, listen: '0.0.0.0', url: 'http://127.0.0.1:5001', binary: '/cache/go/registry-x/registry', version: 'v3.1.2', startedAt: '2026-01-01T00:00:00.000Z',
};

describe('parseState', () => {
  it('reads what writeState writes', () => {
    expect(parseState(JSON.stringify(good))).toEqual({ ok: true, state: good });
  });

  it.each([
    ['half a file', JSON.stringify(good).slice(0, 30), /not JSON/],
    ['an empty file', '', /not JSON/],
    ['no pid', JSON.stringify({ ...good, pid: undefined }), /^pid:/],
    ['a negative pid', JSON.stringify({ ...good, pid: -1 }), /^pid:/],
    ['a port out of range', JSON.stringify({ ...good, port: 70000 }), /^port:/],
    ['a url that is not http://host:port', JSON.stringify({ ...good, url: 'ftp://x' }), /^url:/],
    ['a list', '[]', /./],
  ])('says what is wrong with %s', (_what, text, problem) => {
    const parsed = parseState(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });
});

describe('judgeState', () => {
  it('none, bad, stale (the pid is gone: a SIGKILLed registry) or alive', () => {
    expect(judgeState(undefined, () => true)).toEqual({ kind: 'none' });
    expect(judgeState({ ok: false, problem: 'not JSON' }, () => true)).toEqual({ kind: 'bad', problem: 'not JSON' });
    expect(judgeState({ ok: true, state: good }, () => false)).toEqual({ kind: 'stale', state: good });
    expect(judgeState({ ok: true, state: good }, (s) => s.pid === 4242)).toEqual({ kind: 'alive', state: good });
  });
});

describe('state.json on disk', () => {
  const tempDir = useTempLabDirs('lab-registry-state-');
  const registryDir = () => join(tempDir(), 'state', 'registry');

  it('is written whole (no partial file left) and read back', () => {
    writeState(good);
    expect(readdirSync(registryDir())).toEqual(['state.json']);
    expect(readState()).toEqual({ ok: true, state: good });
  });

  it('no file is no registry; a stale or unreadable one is cleaned and said so', () => {
    expect(readState()).toBeUndefined();
    writeState(good);
    expect(cleanStaleState(judgeState(readState(), () => false))).toMatch(/pid 4242 \(port 5001\) is no longer running/);
    expect(readState()).toBeUndefined();
    writeFileSync(join(registryDir(), 'state.json'), '{"pid":');
    expect(cleanStaleState(judgeState(readState(), () => true))).toMatch(/unreadable registry state \(not JSON/);
    expect(readState()).toBeUndefined();
  });
});

describe('processRunsBinary', () => {
  it('a live pid running another program is not the registry (a reused pid)', () => {
    expect(processRunsBinary(process.pid, '/some/where/registry')).toBe(false);
    expect(processRunsBinary(process.pid, process.execPath)).toBe(true);
  });

  it('a pid that does not exist is not running', () => {
    expect(processRunsBinary(2 ** 22 + 12345, '/x/registry')).toBe(false);
  });
});
