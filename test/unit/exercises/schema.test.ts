import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../../lab/base/errors.js';
import { TRACE_CHECK_KINDS } from '../../../lab/exercises/checks/index.js';
import { ExerciseFileError, parseExercise } from '../../../lab/exercises/schema.js';

const DIR = join(import.meta.dirname, '../../../exercises');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();

const minimal = (checks: string, extra = '') => `
id: demo
title: Demo
goal: g
background: {flowSteps: [1], components: [kubectl], text: t}
prerequisites: {builtinControllers: 'on', labControllers: false, scheduler: default}
steps: [{text: s}]
checks:
${checks}
hints: [h]
solution: [{type: sleep, seconds: 1}]
${extra}`;

function errorOf(text: string, file = 'exercises/03-demo.yaml'): ExerciseFileError {
  try {
    parseExercise(text, file);
  } catch (error) {
    if (error instanceof ExerciseFileError) return error;
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

describe('shipped exercise files', () => {
  it('has at least ten', () => expect(files.length).toBeGreaterThanOrEqual(10));

  it.each(files)('%s parses, has a trace check, hints and a solution', (file) => {
    const exercise = parseExercise(readFileSync(join(DIR, file), 'utf8'), `exercises/${file}`);
    expect(exercise.checks.some((c) => TRACE_CHECK_KINDS.has(c.kind))).toBe(true);
    expect(exercise.solution.length).toBeGreaterThan(0);
    expect(exercise.hints.length).toBeGreaterThan(0);
  });

  it('ids are unique', () => {
    const ids = files.map((f) => parseExercise(readFileSync(join(DIR, f), 'utf8'), f).id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('bad exercise files', () => {
  it.each([
    [
      'an unknown check kind',
      minimal('  - {kind: objectCount, resource: Pod, equals: 1}\n  - {kind: podsRunning, equals: 1}\n  - {kind: podCount, equals: 3}'),
      /^exercises\/03-demo\.yaml: checks\[2\]\.kind: unknown check "podCount"; expected one of objectCount, podsRunning, .*jsonPath, leaseTakeover, createdOnce$/,
    ],
    ['a missing check kind', minimal('  - {equals: 3}'), /checks\[0\]\.kind: missing; expected one of objectCount/],
    ['an unknown action type', minimal('  - {kind: podsRunning, equals: 1}', '').replace('{type: sleep, seconds: 1}', '{type: reboot}'), /solution\[0\]\.type: unknown action "reboot"; expected one of apply, kubectl/],
    ['a check without bounds', minimal('  - {kind: objectCount, resource: Pod}'), /checks\[0\]: give `equals`, or `min` and\/or `max`/],
    ['an unknown field', minimal('  - {kind: podsRunning, equals: 1, colour: red}'), /checks\[0\]: unknown field\(s\) "colour"/],
    ['a bad label selector', minimal('  - {kind: podsRunning, equals: 1, selector: "app in web"}'), /checks\[0\]\.selector: not a label selector/],
    ['a bad regex', minimal('  - {kind: eventSeen, reason: X, message: "(["}'), /checks\[0\]\.message: not a valid regular expression/],
    ['an unknown tap in a trace match', minimal('  - {kind: traceCount, match: {tap: radio}, min: 1}'), /checks\[0\]\.match\.tap/],
    ['a missing goal', minimal('  - {kind: podsRunning, equals: 1}').replace('goal: g\n', ''), /: goal: missing/],
    ['a flow step out of range', minimal('  - {kind: podsRunning, equals: 1}').replace('flowSteps: [1]', 'flowSteps: [11]'), /background\.flowSteps\[0\]/],
    ['invalid YAML', 'id: [unclosed', /^exercises\/03-demo\.yaml: line \d+: not valid YAML/],
  ])('%s', (_name, text, message) => {
    const error = errorOf(text);
    expect(error.message).toMatch(message);
    expect(error.exitCode).toBe(ExitCode.BadInput);
    expect(error.fix).toContain('exercises/03-demo.yaml');
  });

  it('rejects an id that does not match the file name', () => {
    expect(errorOf(minimal('  - {kind: podsRunning, equals: 1}'), 'exercises/04-other.yaml').message).toMatch(/id: id "demo" does not match the file name/);
  });
});
