/** A number that must be exactly, at least and/or at most something. */
import { z } from 'zod';
import { checkObject } from './types.js';

export const boundsFields = {
  equals: z.number().int().nonnegative().optional(),
  min: z.number().int().nonnegative().optional(),
  max: z.number().int().nonnegative().optional(),
};

export interface Bounds {
  equals?: number | undefined;
  min?: number | undefined;
  max?: number | undefined;
}

export function hasBounds(b: Bounds): boolean {
  return b.equals !== undefined || b.min !== undefined || b.max !== undefined;
}

/** zod refinement: at least one bound, and `equals` not mixed with min/max. */
export function boundsAreValid(b: Bounds): boolean {
  if (!hasBounds(b)) return false;
  if (b.equals !== undefined && (b.min !== undefined || b.max !== undefined)) return false;
  return b.min === undefined || b.max === undefined || b.min <= b.max;
}

export const BOUNDS_MESSAGE = 'give `equals`, or `min` and/or `max` (with min <= max)';

/** Bounds as a field of their own (e.g. revision's `historyLength: { min: 2 }`). */
export const boundsSchema = z.object(boundsFields).strict().refine(boundsAreValid, { message: BOUNDS_MESSAGE });

/**
 * The schema of a check that counts something and compares the count with bounds given at its top
 * level: `kind`, the fields every check has, its own `fields`, then `equals`/`min`/`max`.
 */
export function countCheckSchema<K extends string, F extends z.ZodRawShape>(kind: K, fields: F) {
  return checkObject(kind, { ...fields, ...boundsFields })
    // zod cannot see through the generic `fields` that the output has the bounds' fields; it does.
    .refine((check) => boundsAreValid(check as Bounds), { message: BOUNDS_MESSAGE });
}

/** `n` may be a bigint (an int64 annotation): <= and >= compare it with number bounds exactly. */
export function withinBounds(n: number | bigint, b: Bounds): boolean {
  if (b.equals !== undefined && !(n >= b.equals && n <= b.equals)) return false;
  if (b.min !== undefined && !(n >= b.min)) return false;
  if (b.max !== undefined && !(n <= b.max)) return false;
  return true;
}

export function describeBounds(b: Bounds): string {
  if (b.equals !== undefined) return `exactly ${b.equals}`;
  if (b.min !== undefined && b.max !== undefined) return b.min === b.max ? `exactly ${b.min}` : `between ${b.min} and ${b.max}`;
  if (b.min !== undefined) return `at least ${b.min}`;
  return `at most ${b.max}`;
}
