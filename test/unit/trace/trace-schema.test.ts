// The documented trace schema: docs/trace-schema.json is what the code generates, real entries from
// every tap satisfy it, and docs/trace-schema.md shows lines the taps really write.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../lab/cluster/paths.js';
import { entryToJsonLine, parseJsonl } from '../../../lab/trace/export/jsonl.js';
import { traceEntryJsonSchema, traceEntryJsonSchemaText } from '../../../lab/trace/json-schema.js';
import { FIXED_ACTORS, TAPS, traceEntrySchema } from '../../../lab/trace/schema.js';
import { bindingStory, docExampleEntries } from './schema-examples.js';

const docPath = (file: string) => join(REPO_ROOT, 'docs', file);

type JsonSchema = Record<string, unknown>;

// No JSON Schema validator is installed; this checks the few keywords the generated schema uses and
// throws on any other, so a new keyword cannot be silently ignored. `format` is an annotation only
// (draft 2020-12's default); the pattern beside it does the checking.
const UNDERSTOOD = new Set(['$schema', 'title', 'description', 'type', 'const', 'enum', 'pattern', 'format', 'minLength', 'minimum', 'maximum', 'properties', 'required', 'additionalProperties', 'propertyNames', 'anyOf']);

function violations(schema: JsonSchema, value: unknown, path = '(entry)'): string[] {
  const unknownKeyword = Object.keys(schema).find((k) => !UNDERSTOOD.has(k));
  if (unknownKeyword) throw new Error(`${path}: this test does not understand the keyword ${unknownKeyword}`);
  const out: string[] = [];
  const fail = (what: string) => out.push(`${path}: ${what}`);
  const anyOf = schema.anyOf as JsonSchema[] | undefined;
  if (anyOf && !anyOf.some((branch) => violations(branch, value, path).length === 0)) fail('matches no branch of anyOf');
  if ('const' in schema && value !== schema.const) fail(`is not ${JSON.stringify(schema.const)}`);
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) fail('is not one of the enum');
  if (schema.type === 'string') {
    if (typeof value !== 'string') return [...out, `${path}: is not a string`];
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) fail('is too short');
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) fail(`does not match ${schema.pattern}`);
  }
  if (schema.type === 'number' || schema.type === 'integer') {
    if (typeof value !== 'number' || (schema.type === 'integer' && !Number.isInteger(value))) return [...out, `${path}: is not an ${schema.type}`];
    if (typeof schema.minimum === 'number' && value < schema.minimum) fail('is below the minimum');
    if (typeof schema.maximum === 'number' && value > schema.maximum) fail('is above the maximum');
  }
  if (schema.type === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return [...out, `${path}: is not an object`];
    const record = value as Record<string, unknown>;
    for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in record)) fail(`lacks ${key}`);
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const [key, child] of Object.entries(record)) {
      const childSchema = properties[key] ?? schema.additionalProperties;
      if (childSchema === false) fail(`has ${key}, which is not allowed`);
      else if (childSchema) out.push(...violations(childSchema as JsonSchema, child, `${path}.${key}`));
    }
  }
  return out;
}

describe('docs/trace-schema.json', () => {
  const schema = traceEntryJsonSchema();

  it('is what the code generates (npx lab trace schema > docs/trace-schema.json)', () => {
    expect(readFileSync(docPath('trace-schema.json'), 'utf8'), 'regenerate docs/trace-schema.json, and bump TRACE_SCHEMA_VERSION if the change is incompatible').toBe(traceEntryJsonSchemaText());
  });

  it('is what `lab trace schema` prints', { timeout: 60_000 }, async () => {
    const result = await execa(process.execPath, [join(REPO_ROOT, 'lab', 'bin', 'lab.mjs'), 'trace', 'schema'], { reject: false });
    expect(result.exitCode).toBe(0);
    expect(`${result.stdout}\n`).toBe(readFileSync(docPath('trace-schema.json'), 'utf8'));
    const help = await execa(process.execPath, [join(REPO_ROOT, 'lab', 'bin', 'lab.mjs'), 'trace', 'schema', '--help'], { reject: false });
    expect(help.stdout).toContain('$ npx lab trace schema');
  });

  it('has the zod schema\'s fields, required where zod requires them, and its taps and fixed actors', () => {
    const shape = traceEntrySchema.shape;
    expect(Object.keys(schema.properties as object)).toEqual(Object.keys(shape));
    const required = Object.entries(shape).filter(([, field]) => !field.safeParse(undefined).success).map(([key]) => key);
    expect(schema.required).toEqual(required);
    expect(required).toEqual(['schemaVersion', 'id', 'tMs', 'wallTime', 'tap', 'actor', 'verb', 'object', 'details']);
    const properties = schema.properties as Record<string, JsonSchema>;
    expect(properties.schemaVersion!.const).toBe(1);
    expect(properties.tap!.enum).toEqual([...TAPS]);
    const actorBranches = properties.actor!.anyOf as JsonSchema[];
    expect(actorBranches[0]!.enum).toEqual([...FIXED_ACTORS]);
  });

  it('accepts the entries every tap writes, as zod does', () => {
    const entries = bindingStory();
    expect(new Set(entries.map((e) => e.tap))).toEqual(new Set(TAPS));
    for (const entry of entries) {
      const written = JSON.parse(entryToJsonLine(entry)) as unknown;
      expect(traceEntrySchema.safeParse(written).success).toBe(true);
      expect(violations(schema, written)).toEqual([]);
    }
  });

  it.each([
    ['another schemaVersion', { schemaVersion: 2 }, /schemaVersion: is not 1/],
    ['a tap it does not know', { tap: 'syslog' }, /tap: is not one of the enum/],
    ['a node agent without its node', { actor: 'kubelet@' }, /actor: matches no branch/],
    ['a wall time without a zone', { wallTime: '2025-06-03T14:02:12.201' }, /wallTime: does not match/],
    ['a negative id', { id: -1 }, /id: is below the minimum/],
    ['an object without a name', { object: { kind: 'Pod' } }, /object: lacks name/],
  ])('rejects %s, as zod does', (_what, change, problem) => {
    const bad = { ...JSON.parse(entryToJsonLine(bindingStory()[0]!)), ...change } as unknown;
    expect(traceEntrySchema.safeParse(bad).success).toBe(false);
    expect(violations(schema, bad).join('\n')).toMatch(problem);
  });

  it('lets a reader keep entries with fields added later, as the lab reader does', () => {
    const line = JSON.stringify({ ...JSON.parse(entryToJsonLine(bindingStory()[0]!)), spanId: 'abc' });
    expect(violations(schema, JSON.parse(line))).toEqual([]);
    expect(parseJsonl(line)[0]).not.toHaveProperty('spanId');
  });
});

describe('reading another schemaVersion', () => {
  it('says which version the file has and which one the lab reads', () => {
    const line = JSON.stringify({ ...JSON.parse(entryToJsonLine(bindingStory()[0]!)), schemaVersion: 2 });
    expect(() => parseJsonl(line)).toThrow('line 1: schemaVersion: trace schema version 2 is not supported: this lab reads version 1 only');
    expect(() => parseJsonl('{"id":1}')).toThrow('line 1: schemaVersion: missing');
  });
});

describe('docs/trace-schema.md', () => {
  const doc = readFileSync(docPath('trace-schema.md'), 'utf8');

  it('shows example lines the taps really write', () => {
    const block = /```jsonl\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(block, 'docs/trace-schema.md needs a ```jsonl block of examples').toBeDefined();
    expect(block!.trimEnd().split('\n')).toEqual(docExampleEntries().map(entryToJsonLine));
  });

  it('names every tap and every fixed actor', () => {
    for (const name of [...TAPS, ...FIXED_ACTORS]) expect(doc).toContain(`\`${name}\``);
  });
});
