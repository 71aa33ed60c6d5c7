/**
 * The exercise file format (one YAML file per exercise in exercises/), validated with zod.
 * A problem is reported as `exercises/03-x.yaml: checks[2].kind: unknown check "podCount";
 * expected one of objectCount, ...`: the file, the field path, and what would be right.
 */
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { BadInputError } from '../base/errors.js';
import { ACTION_TYPES, actionSchema } from './action-schema.js';
import { CHECK_KINDS, checkSchema } from './checks/index.js';

/** The components of the chain, in the order a request travels through them. */
export const FLOW_COMPONENTS = ['kubectl', 'api-server', 'etcd', 'deployment-controller', 'replicaset-controller', 'scheduler', 'kubelet', 'containerd', 'garbage-collector'] as const;

export const EXERCISE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const stepSchema = z
  .object({
    text: z.string().min(1),
    run: z.string().min(1).optional(),
    action: actionSchema.optional(),
  })
  .strict();

export const exerciseSchema = z
  .object({
    id: z.string().regex(EXERCISE_ID, { message: 'lower-case words joined by "-", e.g. chain-of-events' }),
    title: z.string().min(1),
    goal: z.string().min(1),
    background: z
      .object({
        /** Which of the ten steps of the chain (kubectl → ... → containerd) this is about. */
        flowSteps: z.array(z.number().int().min(1).max(10)).min(1),
        components: z.array(z.enum(FLOW_COMPONENTS)).min(1),
        text: z.string().min(1),
      })
      .strict(),
    prerequisites: z
      .object({
        builtinControllers: z.enum(['on', 'off']),
        labControllers: z.boolean(),
        scheduler: z.enum(['lab-scheduler', 'default']),
      })
      .strict(),
    steps: z.array(stepSchema).min(1),
    checks: z.array(checkSchema).min(1),
    hints: z.array(z.string().min(1)).min(1),
    solution: z.array(actionSchema).min(1),
    /** Undo cluster-wide changes (taints, cordons, node labels) on reset. */
    cleanup: z.array(actionSchema).default([]),
  })
  .strict();

export type Exercise = z.infer<typeof exerciseSchema>;
export type ExerciseStep = z.infer<typeof stepSchema>;

/** The namespace an exercise works in. */
export function namespaceOf(id: string): string {
  return `ex-${id}`.slice(0, 63);
}

export class ExerciseFileError extends BadInputError {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${problem}`, `fix ${field || 'the file'} in ${file} (see exercises/README.md for the format)`);
    this.name = 'ExerciseFileError';
  }
}

/** `['checks', 2, 'kind']` → `checks[2].kind` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, step) => (typeof step === 'number' ? `${text}[${step}]` : text ? `${text}.${String(step)}` : String(step)), '');
}

function valueAtPath(data: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = data;
  for (const step of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[step];
  }
  return current;
}

/** The first issue as one sentence, with the list of valid kinds for an unknown check or action. */
function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  if (issue.code === 'invalid_union' && 'discriminator' in issue && issue.discriminator) {
    const received = valueAtPath(data, issue.path);
    const isCheck = issue.discriminator === 'kind';
    const valid = isCheck ? CHECK_KINDS : ACTION_TYPES;
    const what = isCheck ? 'check' : 'action';
    return received === undefined
      ? `missing; expected one of ${valid.join(', ')}`
      : `unknown ${what} ${JSON.stringify(received)}; expected one of ${valid.join(', ')}`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  if (issue.code === 'invalid_type' && valueAtPath(data, issue.path) === undefined) return `missing (expected ${issue.expected})`;
  return issue.message;
}

/** Parses and validates one exercise file's text; throws ExerciseFileError. */
export function parseExercise(text: string, file: string): Exercise {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const where = error.linePos?.[0] ? `line ${error.linePos[0].line}` : '';
    throw new ExerciseFileError(file, where, `not valid YAML (${error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')})`);
  }
  const data: unknown = doc.toJS();
  const result = exerciseSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ExerciseFileError(file, formatPath(issue.path), describeIssue(issue, data));
  }
  const exercise = result.data;
  const expectedName = new RegExp(`(^|/)(\\d+-)?${exercise.id}\\.ya?ml$`);
  if (!expectedName.test(file)) {
    throw new ExerciseFileError(file, 'id', `id "${exercise.id}" does not match the file name (expected NN-${exercise.id}.yaml)`);
  }
  return exercise;
}
