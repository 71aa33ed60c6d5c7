// Layering kept by a test (issue 16, item 4). Reads the imports of every .ts file under
// controllers/, lab/ and scripts/ and fails when one runs the wrong way:
// - controllers/ imports nothing from lab/ (the controllers are the lab's subject, not its users);
// - lab/cluster and lab/trace import nothing from the layers above them (lab/cli, run, exercises,
//   compare, bench, demo);
// - lab/base (helpers every layer shares) imports nothing from the rest of lab/;
// - lab/demo, lab/bench, lab/compare and lab/exercises do not import each other: what two of them
//   share lives below them (lab/cluster, lab/trace, lab/base);
// - only lab/cli/commands registers commands (commander's `.command(`).
// Today's exceptions are listed by name in KNOWN_EXCEPTIONS below; any other one fails, and so
// does an exception that no longer happens, so the list can only shrink.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SOURCE_DIRS = ['controllers', 'lab', 'scripts'];

interface Rule {
  name: string;
  /** Files the rule applies to (repo-relative, '/'-separated). */
  from: (file: string) => boolean;
  /** Import targets (repo-relative .ts path) the rule forbids. */
  forbids: (target: string) => boolean;
}

const under = (dir: string) => (file: string) => file.startsWith(`${dir}/`);
const anyUnder = (...dirs: string[]) => (file: string) => dirs.some((d) => under(d)(file));

/** The commands' own layers, side by side above lab/cluster and lab/trace. */
const SIBLINGS = ['lab/demo', 'lab/bench', 'lab/compare', 'lab/exercises'];

const RULES: Rule[] = [
  { name: 'controllers/ imports nothing from lab/', from: under('controllers'), forbids: under('lab') },
  {
    name: 'lab/cluster and lab/trace import nothing from the layers above them',
    from: anyUnder('lab/cluster', 'lab/trace'),
    forbids: anyUnder('lab/cli', 'lab/run', 'lab/exercises', 'lab/compare', 'lab/bench', 'lab/demo'),
  },
  ...SIBLINGS.map((dir) => ({
    name: `${dir} imports nothing from its siblings (${SIBLINGS.filter((d) => d !== dir).join(', ')})`,
    from: under(dir),
    forbids: anyUnder(...SIBLINGS.filter((d) => d !== dir)),
  })),
  {
    name: 'lab/base, under every other layer of lab/, imports nothing from them',
    from: under('lab/base'),
    forbids: (target) => under('lab')(target) && !under('lab/base')(target),
  },
];

/**
 * Imports that break a rule today, as `importer -> imported`. Each is a debt, not a permission:
 * remove the line when the import goes.
 */
const KNOWN_EXCEPTIONS: Record<string, { reason: string; imports: string[] }> = {};

const COMMANDS_HOME = 'lab/cli/commands';

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (entry.name.endsWith('.ts')) {
        out.push(path);
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(dir);
  return out.sort();
}

/** Repo-relative .ts paths a file imports (static, dynamic, type-only and re-exports); packages are skipped. */
function importsOf(file: string, text: string): string[] {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)).split(sep).join('/').replace(/\.js$/, '.ts'));
}

/** `importer -> imported` for every import that breaks a rule. */
function layeringViolations(importsByFile: Map<string, string[]>): string[] {
  const found = new Set<string>();
  for (const [file, targets] of importsByFile) {
    for (const rule of RULES) {
      if (!rule.from(file)) continue;
      for (const target of targets) if (rule.forbids(target)) found.add(`${file} -> ${target}`);
    }
  }
  return [...found].sort();
}

/** Files outside lab/cli/commands that register a commander command. */
function commandRegistrarsOutsideHome(textByFile: Map<string, string>): string[] {
  return [...textByFile].filter(([file, text]) => !under(COMMANDS_HOME)(file) && /\.command\(/.test(text)).map(([file]) => file);
}

const files = sourceFiles();
const textByFile = new Map(files.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]));
const importsByFile = new Map([...textByFile].map(([f, text]) => [f, importsOf(f, text)]));
const allowed = new Set(Object.values(KNOWN_EXCEPTIONS).flatMap((e) => e.imports));

describe('layering', () => {
  it('reads the tree (the walk finds the components and the CLI)', () => {
    expect(files).toContain('controllers/shared/controller.ts');
    expect(files).toContain('lab/cli/main.ts');
    expect(importsByFile.get('lab/cli/main.ts')!.length).toBeGreaterThan(0);
  });

  it('no import runs the wrong way, apart from the named known exceptions', () => {
    const unexpected = layeringViolations(importsByFile).filter((v) => !allowed.has(v));
    expect(unexpected, `imports against the layering (${RULES.map((r) => r.name).join('; ')})`).toEqual([]);
  });

  it('every known exception still happens (remove the line once the import is gone)', () => {
    const now = new Set(layeringViolations(importsByFile));
    expect([...allowed].filter((a) => !now.has(a))).toEqual([]);
  });

  it('only lab/cli/commands registers commands', () => {
    expect(commandRegistrarsOutsideHome(textByFile)).toEqual([]);
  });

  it('the checks catch a violation (synthetic input)', () => {
    const imports = new Map([
      ['controllers/x.ts', importsOf('controllers/x.ts', "import { a } from '../lab/cli/errors.js';")],
      ['lab/trace/x.ts', importsOf('lab/trace/x.ts', "const m = await import('../compare/run.js');")],
      ['lab/cluster/x.ts', importsOf('lab/cluster/x.ts', "export type { T } from '../bench/y.js';")],
      ['lab/cli/x.ts', importsOf('lab/cli/x.ts', "import { a } from '../cluster/kind.js';")],
      ['lab/demo/x.ts', importsOf('lab/demo/x.ts', "import { waitPodsRunning } from '../compare/cluster-io.js';")],
      ['lab/bench/x.ts', importsOf('lab/bench/x.ts', "import { a } from '../cluster/pods.js';")],
    ]);
    expect(layeringViolations(imports)).toEqual([
      'controllers/x.ts -> lab/cli/errors.ts',
      'lab/cluster/x.ts -> lab/bench/y.ts',
      'lab/demo/x.ts -> lab/compare/cluster-io.ts',
      'lab/trace/x.ts -> lab/compare/run.ts',
    ]);
    expect(commandRegistrarsOutsideHome(new Map([['lab/run/x.ts', "program.command('x')"], ['lab/cli/commands/y.ts', "program.command('y')"]]))).toEqual([
      'lab/run/x.ts',
    ]);
  });
});
