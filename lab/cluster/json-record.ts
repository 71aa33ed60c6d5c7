/**
 * The small JSON records the lab keeps about itself (which images a cluster was made with, which
 * node image was imported): written whole or not at all, and read as "none" when missing or torn.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes `value` as indented JSON beside `path` and renames it into place, so a reader never sees half a file. */
export function writeJsonRecord(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.partial`, JSON.stringify(value, null, 2) + '\n');
  renameSync(`${path}.partial`, path);
}

/** The parsed JSON at `path`, or undefined when there is no file or it does not parse. */
export function readJsonRecord(path: string): unknown {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}
