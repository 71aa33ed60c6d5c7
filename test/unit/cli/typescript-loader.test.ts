import { execa } from 'execa';
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lab/cluster/paths.js';
import { cacheKey, compiled, fillCache, pruneCache, transpile, UNUSED_ENTRY_MAX_AGE_MS } from '../../../lab/bin/typescript-loader.mjs';

/** The loader every lab process runs its TypeScript through (lab/bin/lab.mjs registers it). */
const LOADER = pathToFileURL(join(REPO_ROOT, 'lab', 'bin', 'typescript-loader.mjs')).href;
const tempDir = () => mkdtempSync(join(tmpdir(), 'lab-ts-loader-'));

describe('transpile', () => {
  it('strips erasable types in place: every line and column stays where it was, and no source map is needed', () => {
    const source = 'import type { A } from "./a.js";\nconst n: number = 1;\nexport function f(x: A): string { return String(x) + n; }\n';
    const out = transpile(source, 'file:///x.ts');
    expect(out.split('\n').map((l) => l.length)).toEqual(source.split('\n').map((l) => l.length));
    expect(out.indexOf('return String(x)')).toBe(source.indexOf('return String(x)'));
    expect(out).not.toContain('sourceMappingURL');
    expect(out).not.toContain('number');
  });

  it('transforms syntax with runtime meaning (enums, parameter properties), with an inline source map', () => {
    const out = transpile('enum Mode { A, B }\nexport class C { constructor(private readonly m: Mode) {} }\n', 'file:///x.ts');
    expect(out).toContain('this.m = m');
    expect(out).toContain('sourceMappingURL=data:application/json');
  });

  it('invalid TypeScript is a SyntaxError naming the file and line, with the code at fault', () => {
    expect(() => transpile('const a = 1;\nconst b: = 2;\n', pathToFileURL('/plugins/mine.ts').href)).toThrowError(/^\/plugins\/mine\.ts:2: Unexpected token `=`[^]*const b: = 2;\n\s+\^/);
  });
});

describe('compiled (the on-disk cache, filled by a child process)', { timeout: 30_000 }, () => {
  it('a second load reads the cache, not the transformer; a changed source is a new entry', () => {
    const dir = tempDir();
    const file = join(dir, 'a.ts');
    const url = pathToFileURL(file).href;
    const cache = join(dir, 'cache');
    const source = 'export const a: number = 1;\n';
    writeFileSync(file, source);
    expect(compiled(source, url, cache)).toContain('export const a');
    const entry = join(cache, `${cacheKey(source)}.js`);
    expect(readdirSync(cache)).toEqual([`${cacheKey(source)}.js`]);
    // Marked by hand: a read from the cache returns the mark, a new transform would not.
    writeFileSync(entry, 'export const a = "from the cache";\n');
    expect(compiled(source, url, cache)).toContain('from the cache');
    writeFileSync(file, 'export const a: number = 2;\n');
    expect(compiled('export const a: number = 2;\n', url, cache)).toContain('= 2');
    expect(readdirSync(cache)).toHaveLength(2);
  });

  it('a file that does not parse: the SyntaxError from the child names the file and line', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.ts');
    const source = 'export const a = 1;\nexport const b: = 2;\n';
    writeFileSync(file, source);
    expect(() => compiled(source, pathToFileURL(file).href, join(dir, 'cache'))).toThrowError(new RegExp(`^${file}:2: Unexpected token`));
  });

  it('fillCache transpiles what is missing under the directories in one go, and then nothing', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'src', 'nested'), { recursive: true });
    writeFileSync(join(dir, 'src', 'a.ts'), 'export const a: number = 1;\n');
    writeFileSync(join(dir, 'src', 'nested', 'b.ts'), 'export enum B { X }\n');
    writeFileSync(join(dir, 'src', 'types.d.ts'), 'export type T = string;\n');
    writeFileSync(join(dir, 'src', 'bad.ts'), 'export const = ;\n');
    const cache = join(dir, 'cache');
    expect(fillCache([join(dir, 'src'), join(dir, 'absent')], cache)).toBe(3);
    const entries = readdirSync(cache);
    expect(entries.filter((name) => name.endsWith('.js')).sort()).toEqual([`${cacheKey('export const a: number = 1;\n')}.js`, `${cacheKey('export enum B { X }\n')}.js`].sort());
    // The one that does not parse has its SyntaxError stored, so it is not missing the next time.
    expect(entries.filter((name) => name.endsWith('.error.json'))).toHaveLength(1);
    expect(fillCache([join(dir, 'src')], cache)).toBe(0);
    // Fixed, it is missing again (a new source), and transpiled.
    writeFileSync(join(dir, 'src', 'bad.ts'), 'export const ok = 1;\n');
    expect(fillCache([join(dir, 'src')], cache)).toBe(1);
    expect(readdirSync(cache)).toContain(`${cacheKey('export const ok = 1;\n')}.js`);
  });

  it('a file that failed before: its stored SyntaxError is thrown again without a child', () => {
    const dir = tempDir();
    const file = join(dir, 'bad.ts');
    const source = 'export const = ;\n';
    writeFileSync(file, source);
    const cache = join(dir, 'cache');
    expect(() => compiled(source, pathToFileURL(file).href, cache)).toThrowError(new RegExp(`^${file}:1: `));
    const [stored] = readdirSync(cache).filter((name) => name.endsWith('.error.json'));
    // Marked by hand: only a read of the stored failure gives this message.
    writeFileSync(join(cache, stored!), JSON.stringify({ message: 'from the cache', code: 'ERR_INVALID_TYPESCRIPT_SYNTAX' }));
    expect(() => compiled(source, pathToFileURL(file).href, cache)).toThrowError(/^from the cache$/);
    // The same source at another path is another file: its own error, naming it.
    const other = join(dir, 'other.ts');
    writeFileSync(other, source);
    expect(() => compiled(source, pathToFileURL(other).href, cache)).toThrowError(new RegExp(`^${other}:1: `));
  });

  it('pruneCache removes old entries no source needs and stale partial writes, and keeps the rest', () => {
    const cache = join(tempDir(), 'cache');
    mkdirSync(cache);
    const now = Date.now();
    const day = 24 * 3600 * 1000;
    const write = (name: string, ageMs: number) => {
      writeFileSync(join(cache, name), '');
      utimesSync(join(cache, name), (now - ageMs) / 1000, (now - ageMs) / 1000);
    };
    write('needed-old.js', 100 * day);
    write('unused-old.js', UNUSED_ENTRY_MAX_AGE_MS + day);
    write('unused-old.error.json', UNUSED_ENTRY_MAX_AGE_MS + day);
    write('unused-recent.js', day);
    write('x.js.123.partial', 2 * 3600 * 1000);
    write('y.js.456.partial', 60 * 1000);
    expect(pruneCache(cache, new Set(['needed-old.js']), now)).toBe(3);
    expect(readdirSync(cache).sort()).toEqual(['needed-old.js', 'unused-recent.js', 'y.js.456.partial']);
    expect(pruneCache(join(cache, 'absent'), new Set(), now)).toBe(0);
  });

  it('fillCache prunes only when something was missing (the sources changed)', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
    const cache = join(dir, 'cache');
    mkdirSync(cache);
    const old = (Date.now() - UNUSED_ENTRY_MAX_AGE_MS - 24 * 3600 * 1000) / 1000;
    writeFileSync(join(cache, 'stale.js'), '');
    utimesSync(join(cache, 'stale.js'), old, old);
    expect(fillCache([join(dir, 'src')], cache)).toBe(1);
    expect(readdirSync(cache)).not.toContain('stale.js');
    writeFileSync(join(cache, 'stale.js'), '');
    utimesSync(join(cache, 'stale.js'), old, old);
    expect(fillCache([join(dir, 'src')], cache)).toBe(0);
    expect(readdirSync(cache)).toContain('stale.js');
  });

  it('a cache directory that cannot be written still gives the JavaScript', () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, '');
    expect(compiled('export const a: number = 1;\n', 'file:///a.ts', join(file, 'cache'))).toContain('export const a');
  });
});

describe('registerTypeScript, in a Node process of its own', { timeout: 30_000 }, () => {
  it('loads .ts imported as .js (NodeNext style), transforms an enum, and keeps stack traces on the .ts lines', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'main.ts'), 'import { fail, Mode } from "./lib.js";\nconsole.log("mode", Mode.B);\nfail();\n');
    writeFileSync(join(dir, 'lib.ts'), 'export enum Mode { A, B }\n\nexport function fail(): never {\n  throw new Error("from lib");\n}\n');
    const script = `const { registerTypeScript } = await import(${JSON.stringify(LOADER)});
registerTypeScript({ cacheDir: ${JSON.stringify(join(dir, 'cache'))} });
process.setSourceMapsEnabled(true);
await import(${JSON.stringify(pathToFileURL(join(dir, 'main.ts')).href)});`;
    const result = await execa(process.execPath, ['--input-type=module', '-e', script], { reject: false });
    expect(result.stdout).toBe('mode 1');
    expect(result.stderr).toContain('Error: from lib');
    expect(result.stderr).toContain(`${join(dir, 'lib.ts')}:4`);
    expect(result.stderr).not.toContain('ExperimentalWarning');
    expect(readdirSync(join(dir, 'cache'))).toHaveLength(2);
  });

  it('a missing module is still reported under the name it was imported by', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'main.ts'), 'import "./nowhere.js";\n');
    const script = `const { registerTypeScript } = await import(${JSON.stringify(LOADER)});
registerTypeScript({ cacheDir: ${JSON.stringify(join(dir, 'cache'))} });
await import(${JSON.stringify(pathToFileURL(join(dir, 'main.ts')).href)});`;
    const result = await execa(process.execPath, ['--input-type=module', '-e', script], { reject: false });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('ERR_MODULE_NOT_FOUND');
    expect(result.stderr).toContain('nowhere.js');
  });

  it('`lab run --scheduler` with a file that does not parse: exit 2, the file, the line and a fix, before any cluster work', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.ts');
    writeFileSync(file, 'export const plugins = [\n  { name: "x", score( } ];\n');
    const result = await execa(process.execPath, [join(REPO_ROOT, 'lab', 'bin', 'lab.mjs'), 'run', '--only', 'scheduler', '--scheduler', file], {
      reject: false,
      env: { LAB_STATE_DIR: join(dir, 'state'), FORCE_COLOR: '0' },
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`could not load scheduler file ${file}: SyntaxError: ${file}:2: Unexpected token`);
    expect(result.stderr).toContain('fix:');
  });
});
