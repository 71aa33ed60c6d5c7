import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Cache keys: a build step is skipped when the hash of everything it reads is unchanged.
 * Keys are short hex prefixes of SHA-256, used in directory names and image labels.
 */
export class InputHash {
  private readonly hash = createHash('sha256');

  add(label: string, value: string | Buffer): this {
    this.hash.update(`${label}\0${value.length}\0`);
    this.hash.update(value);
    return this;
  }

  /** Adds every file under `dir` (sorted, by relative path and content). */
  addTree(label: string, dir: string, include: (path: string) => boolean = () => true): this {
    for (const file of listFiles(dir)) {
      const rel = relative(dir, file);
      if (include(rel)) this.add(`${label}:${rel}`, readFileSync(file));
    }
    return this;
  }

  key(length = 16): string {
    return this.hash.copy().digest('hex').slice(0, length);
  }
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile() || (entry.isSymbolicLink() && statSync(path).isFile())) out.push(path);
  }
  return out;
}
