/**
 * Progress on disk: <stateDir>/exercises/progress.json. Which exercise is current, when each was
 * started and completed, how many hints were shown, and the last check's results. Written
 * atomically (temp file + rename) so an interrupted command never leaves half a file.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { LabError } from '../base/errors.js';

const checkRecordSchema = z.object({
  title: z.string(),
  kind: z.string(),
  pass: z.boolean(),
  saw: z.string(),
  expected: z.string(),
});

const exerciseProgressSchema = z.object({
  startedAt: z.string(),
  completedAt: z.string().optional(),
  hintsShown: z.number().int().nonnegative(),
  solutionViewed: z.boolean().default(false),
  lastCheck: z.object({ at: z.string(), pass: z.boolean(), results: z.array(checkRecordSchema) }).optional(),
});

export const progressFileSchema = z.object({
  version: z.literal(1),
  current: z.string().optional(),
  exercises: z.record(z.string(), exerciseProgressSchema),
});

export type CheckRecord = z.infer<typeof checkRecordSchema>;
export type ExerciseProgress = z.infer<typeof exerciseProgressSchema>;
export type ProgressFile = z.infer<typeof progressFileSchema>;

export function emptyProgress(): ProgressFile {
  return { version: 1, exercises: {} };
}

export function progressPath(stateDirectory: string): string {
  return join(stateDirectory, 'exercises', 'progress.json');
}

export interface ProgressStore {
  load(): Promise<ProgressFile>;
  save(progress: ProgressFile): Promise<void>;
}

export class FileProgressStore implements ProgressStore {
  constructor(readonly path: string) {}

  async load(): Promise<ProgressFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyProgress();
      throw error;
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw new LabError(`${this.path} is not JSON`, `delete it to start over: rm ${this.path}`);
    }
    const result = progressFileSchema.safeParse(data);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      throw new LabError(`${this.path}: ${issue.path.join('.') || '(file)'}: ${issue.message}`, `delete it to start over: rm ${this.path}`);
    }
    return result.data;
  }

  async save(progress: ProgressFile): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(progress, null, 2) + '\n', 'utf8');
    await rename(temp, this.path);
  }

  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

/** In-memory store for tests and dry runs. */
export class MemoryProgressStore implements ProgressStore {
  private data: ProgressFile = emptyProgress();
  async load(): Promise<ProgressFile> {
    return structuredClone(this.data);
  }
  async save(progress: ProgressFile): Promise<void> {
    this.data = structuredClone(progress);
  }
}
