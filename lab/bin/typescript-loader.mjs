// Runs the lab's TypeScript (and a learner's scheduler file) in the process's own thread, with no
// build step: Node's own type stripping (node:module stripTypeScriptTypes) turns each .ts module
// into JavaScript, and the result is kept on disk by content, so a warm start transforms nothing.
//
// Why not tsx: its loader runs Node's module hooks on a thread of their own (a second V8 isolate)
// and keeps esbuild's state, about 20 MiB in every lab process; `lab run` is compared with
// kube-controller-manager and kube-scheduler on memory (issue 15). module.registerHooks runs the
// hooks synchronously on the main thread, and the transformer is loaded only on a cache miss.
//
// Plain JavaScript on purpose: it is what loads the TypeScript.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { registerHooks, stripTypeScriptTypes } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** JavaScript for the .ts at `url`, from `cacheDir` when there, else transpiled and stored. */
export function compiled(source, url, cacheDir) {
  const file = join(cacheDir, `${cacheKey(source)}.js`);
  try {
    return readFileSync(file, 'utf8');
  } catch {
    // not cached yet
  }
  const output = transpile(source, url);
  try {
    // Write then rename: lab processes start side by side and must never read half a file.
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, output);
    renameSync(partial, file);
  } catch {
    // A read-only checkout still runs; it transforms at every start.
  }
  return output;
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
