/** The shipped exercises: every *.yaml in exercises/, parsed and validated, in file-name order. */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { BadInputError } from '../base/errors.js';
import { ExerciseFileError, parseExercise, type Exercise } from './schema.js';

export interface ExerciseCatalog {
  all(): Promise<Exercise[]>;
}

/** Loads exercises/ from disk. Any invalid file fails the whole load: a broken exercise is a bug to fix. */
export class DirectoryCatalog implements ExerciseCatalog {
  private cache: Promise<Exercise[]> | undefined;

  constructor(
    readonly directory: string,
    /** Paths in messages are relative to this (the repository root). */
    readonly displayRoot: string = join(directory, '..'),
  ) {}

  all(): Promise<Exercise[]> {
    this.cache ??= this.load();
    return this.cache;
  }

  private async load(): Promise<Exercise[]> {
    const names = (await readdir(this.directory)).filter((n) => /\.ya?ml$/.test(n)).sort();
    const exercises: Exercise[] = [];
    const seen = new Map<string, string>();
    for (const name of names) {
      const path = join(this.directory, name);
      const file = relative(this.displayRoot, path);
      const exercise = parseExercise(await readFile(path, 'utf8'), file);
      const other = seen.get(exercise.id);
      if (other) throw new ExerciseFileError(file, 'id', `id "${exercise.id}" is already used by ${other}`);
      seen.set(exercise.id, file);
      exercises.push(exercise);
    }
    return exercises;
  }
}

export class StaticCatalog implements ExerciseCatalog {
  constructor(private readonly exercises: Exercise[]) {}
  async all(): Promise<Exercise[]> {
    return this.exercises;
  }
}

export async function findExercise(catalog: ExerciseCatalog, id: string): Promise<Exercise> {
  const exercises = await catalog.all();
  const exact = exercises.find((e) => e.id === id);
  if (exact) return exact;
  // `lab exercise start 3` or `start 03` picks the third exercise.
  if (/^\d+$/.test(id)) {
    const byNumber = exercises[Number(id) - 1];
    if (byNumber) return byNumber;
  }
  throw new BadInputError(`unknown exercise "${id}"`, `run \`npx lab exercise list\` to see the ids (${exercises.map((e) => e.id).join(', ')})`);
}
