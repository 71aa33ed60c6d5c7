// Runs the lab's TypeScript (and a learner's scheduler file) in the process's own thread, with no
// build step: Node's own type stripping (node:module stripTypeScriptTypes) turns each .ts module
// into JavaScript, and the result is kept on disk by content, so a warm start transforms nothing.
//
// Why not tsx: its loader runs Node's module hooks on a thread of their own (a second V8 isolate)
// and keeps esbuild's state, about 20 MiB in every lab process; `lab run` is compared with
// kube-controller-manager and kube-scheduler on memory (issue 15). module.registerHooks runs the
// hooks synchronously on the main thread. The transformer (amaro, swc compiled to WebAssembly)
// is never loaded there either: once loaded it stays, another ~25 MiB (measured: `lab run` held
// 185 MiB on a cold cache, 160 on a warm one). What is not cached yet is transpiled by a short
// child process, this file run as a script: all the lab's sources in one go at start
// (fillCache), a learner's file when it is first imported.
//
// Plain JavaScript on purpose: it is what loads the TypeScript.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { registerHooks, stripTypeScriptTypes } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Bump when what is written to the cache changes shape, so old entries are not read. */
const CACHE_FORMAT = 1;

/**
 * Strips the types from `source` (a .ts module at `url`). Erasable syntax only: types are replaced
 * by blanks, so lines and columns stay where they were and stack traces need no source map. A
 * file that uses syntax with runtime meaning (an enum, a parameter property, a namespace) is
 * transformed instead, with an inline source map so its stack traces still point at the .ts.
 * Invalid TypeScript throws a SyntaxError naming the file, line and the code at fault.
 */
export function transpile(source, url) {
  const quietly = (fn) => {
    // Node warns once that stripTypeScriptTypes is experimental; the lab pins the Node version.
    const emitWarning = process.emitWarning;
    process.emitWarning = () => {};
    try {
      return fn();
    } finally {
      process.emitWarning = emitWarning;
    }
  };
  try {
    return quietly(() => stripTypeScriptTypes(source, { mode: 'strip' }));
  } catch (error) {
    if (error?.code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') {
      return quietly(() => stripTypeScriptTypes(source, { mode: 'transform', sourceMap: true, sourceUrl: url }));
    }
    throw syntaxErrorAt(error, url);
  }
}

/** Node's message lacks the place; its stack starts with ":<line>" and the code with a caret. */
function syntaxErrorAt(error, url) {
  if (error?.code !== 'ERR_INVALID_TYPESCRIPT_SYNTAX' || typeof error.stack !== 'string') return error;
  const file = url.startsWith('file:') ? fileURLToPath(url) : url;
  const [head, ...rest] = error.stack.split('\n');
  const line = /^:(\d+)$/.exec(head ?? '')?.[1];
  const frame = rest.slice(0, rest.findIndex((l) => l === '')).join('\n');
  const located = new SyntaxError(`${file}${line ? `:${line}` : ''}: ${error.message}${frame ? `\n${frame}` : ''}`);
  located.code = error.code;
  return located;
}

/** The cache entry's name: what the output depends on (the source, Node's transformer, this file's format). */
export function cacheKey(source) {
  return createHash('sha256').update(`${CACHE_FORMAT}\0${process.version}\0`).update(source).digest('hex');
}

/** The entry and failure paths take the source's cacheKey, hashed once by each caller. */
const entryPath = (cacheDir, key) => join(cacheDir, `${key}.js`);

/**
 * Where a file that does not parse has its SyntaxError kept, so that each start does not spawn a
 * child to fail on it again. Keyed by the path too: the message names the file.
 */
const failurePath = (cacheDir, key, file) => join(cacheDir, `${createHash('sha256').update(`${key}\0${file}`).digest('hex')}.error.json`);

/** Write then rename: lab processes start side by side and must never read half a file. */
function writeEntry(entry, content) {
  mkdirSync(dirname(entry), { recursive: true });
  const partial = `${entry}.${process.pid}.partial`;
  writeFileSync(partial, content);
  renameSync(partial, entry);
}

/** Transpiles `file` and stores the result under `cacheDir`; a SyntaxError is stored as such, then thrown. */
function store(file, cacheDir) {
  const source = readFileSync(file, 'utf8');
  const key = cacheKey(source);
  let output;
  try {
    output = transpile(source, pathToFileURL(file).href);
  } catch (error) {
    if (error instanceof SyntaxError) {
      try {
        writeEntry(failurePath(cacheDir, key, file), JSON.stringify({ message: error.message, code: error.code }));
      } catch {
        // a cache that cannot be written: the error is still reported, only not remembered
      }
    }
    throw error;
  }
  writeEntry(entryPath(cacheDir, key), output);
}

/** The SyntaxError stored for `file` with this source, if it failed before. */
function knownFailure(cacheDir, key, file) {
  try {
    return JSON.parse(readFileSync(failurePath(cacheDir, key, file), 'utf8'));
  } catch {
    return undefined;
  }
}

function asSyntaxError({ message, code }) {
  const error = new SyntaxError(message);
  error.code = code;
  return error;
}

/**
 * Transpiles `files` into `cacheDir` in a child process (this file as a script), so that this
 * process never loads the transformer. Returns the files that did not parse, with their error.
 */
export function transpileInChild(files, cacheDir) {
  if (files.length === 0) return {};
  try {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url)], { input: JSON.stringify({ cacheDir, files }), encoding: 'utf8', stdio: ['pipe', 'pipe', 'ignore'] });
    return JSON.parse(out).failed ?? {};
  } catch {
    return {}; // no child (or a read-only cache): compiled() falls back to transpiling here
  }
}

/** JavaScript for the .ts at `url`, from `cacheDir` when there, else transpiled (in a child) and stored. */
export function compiled(source, url, cacheDir) {
  const key = cacheKey(source);
  const entry = entryPath(cacheDir, key);
  try {
    return readFileSync(entry, 'utf8');
  } catch {
    // not cached yet
  }
  const file = fileURLToPath(url);
  const failure = knownFailure(cacheDir, key, file) ?? transpileInChild([file], cacheDir)[file];
  if (failure) throw asSyntaxError(failure);
  try {
    return readFileSync(entry, 'utf8');
  } catch {
    // The child could not write it (a read-only checkout) or the file changed meanwhile.
    return transpile(source, url);
  }
}

/** The .ts files under `dirs`, recursively (node_modules and dot-directories skipped). */
function typeScriptFiles(dirs) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.m?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') && !entry.name.endsWith('.d.mts')) files.push(path);
    }
  };
  for (const dir of dirs) if (existsSync(dir)) walk(dir);
  return files;
}

/** How long an entry no current source needs is kept (a branch switched back to, a learner's file). */
export const UNUSED_ENTRY_MAX_AGE_MS = 14 * 24 * 3600 * 1000;
/** A .partial file this old was left by a process that died while writing it. */
const PARTIAL_MAX_AGE_MS = 3600 * 1000;

/**
 * Removes the entries that none of `keep` names and that were written more than
 * UNUSED_ENTRY_MAX_AGE_MS ago, and partial writes left behind. Each version of each source has
 * an entry of its own, so without this the cache grows with every pull for good.
 */
export function pruneCache(cacheDir, keep, now = Date.now()) {
  let names;
  try {
    names = readdirSync(cacheDir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const path = join(cacheDir, name);
    const maxAge = name.endsWith('.partial') ? PARTIAL_MAX_AGE_MS : keep.has(name) ? Infinity : UNUSED_ENTRY_MAX_AGE_MS;
    try {
      if (now - statSync(path).mtimeMs <= maxAge) continue;
      unlinkSync(path);
      removed++;
    } catch {
      // gone already (another lab process pruned it), or not ours to remove
    }
  }
  return removed;
}

/**
 * Makes sure every .ts file under `dirs` is in the cache, transpiling the missing ones in one
 * child process: a fresh checkout, or one after `git pull`, pays once (about a second), and no
 * lab process then loads the transformer for the lab's own code. A file that does not parse is
 * not missing once its SyntaxError is stored. When something was missing (the sources changed),
 * old entries no source needs any more are pruned. Returns how many were missing.
 */
export function fillCache(dirs, cacheDir) {
  const keep = new Set();
  const missing = [];
  for (const file of typeScriptFiles(dirs)) {
    const source = readFileSync(file, 'utf8');
    const key = cacheKey(source);
    const entry = entryPath(cacheDir, key);
    keep.add(basename(entry));
    if (existsSync(entry)) continue;
    const failure = failurePath(cacheDir, key, file);
    keep.add(basename(failure));
    if (!existsSync(failure)) missing.push(file);
  }
  transpileInChild(missing, cacheDir);
  if (missing.length > 0) pruneCache(cacheDir, keep);
  return missing.length;
}

const isTypeScript = (url) => url.startsWith('file:') && /\.m?ts$/.test(url) && !url.includes('/node_modules/');

/**
 * Registers the hooks: .ts modules load through compiled(), and `./x.js` imported from a .ts
 * file finds `./x.ts` (TypeScript's NodeNext style, which the lab's sources use).
 */
export function registerTypeScript({ cacheDir }) {
  registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        const fromTypeScript = context.parentURL !== undefined && isTypeScript(context.parentURL);
        if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !fromTypeScript || !/\.m?js$/.test(specifier)) throw error;
        try {
          return nextResolve(specifier.replace(/js$/, 'ts'), context);
        } catch {
          throw error;
        }
      }
    },
    load(url, context, nextLoad) {
      if (!isTypeScript(url)) return nextLoad(url, context);
      const source = readFileSync(fileURLToPath(url), 'utf8');
      return { format: 'module', source: compiled(source, url, cacheDir), shortCircuit: true };
    },
  });
}

// Run as a script by transpileInChild: {cacheDir, files} on stdin, {failed} on stdout.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { cacheDir, files } = JSON.parse(readFileSync(0, 'utf8'));
  const failed = {};
  for (const file of files) {
    try {
      store(file, cacheDir);
    } catch (error) {
      if (error instanceof SyntaxError) failed[file] = { message: error.message, code: error.code };
      else throw error;
    }
  }
  process.stdout.write(JSON.stringify({ failed }));
}
