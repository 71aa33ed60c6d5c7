/** Guided exercises: the file format, the checks, the engine and the end-to-end runner. */
export { parseExercise, exerciseSchema, namespaceOf, ExerciseFileError, type Exercise } from './schema.js';
export { evaluateCheck, checkSchema, CHECK_KINDS, type Check, type CheckResult } from './checks/index.js';
export { ExerciseEngine, type EngineDeps, type CheckReport } from './engine.js';
export { runExerciseEndToEnd, type EndToEndResult, type EndToEndOptions } from './e2e.js';
export type { Snapshot, KubeObject } from './snapshot.js';
