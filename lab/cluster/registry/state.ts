import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { registryPaths } from './paths.js';

/** What `lab registry up` records about the process it started (.lab/registry/state.json). */
const StateSchema = z.object({
  pid: z.number().int().positive(),
  port: z.number().int().min(1).max(65535),
  /** The address it listens on (0.0.0.0: every interface, so kind nodes reach it through the gateway). */
  listen: z.string().min(1),
  /** How this machine reaches it: http://127.0.0.1:PORT. */
  url: z.string().regex(/^http:\/\/[^/\s]+$/),
  binary: z.string().min(1),
  version: z.string().min(1),
  startedAt: z.string().min(1),
});
export type RegistryState = z.infer<typeof StateSchema>;

export type ParsedState = { ok: true; state: RegistryState } | { ok: false; problem: string };

/** Parses state.json's text; never throws. */
export function parseState(text: string): ParsedState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not JSON (${(error as Error).message})` };
  }
  const parsed = StateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `${issue?.path.join('.') || 'the file'}: ${issue?.message ?? 'not a registry state'}` };
  }
  return { ok: true, state: parsed.data };
}

/** Undefined when there is no state file; a problem when there is one but it is unreadable. */
export function readState(path = registryPaths().statePath): ParsedState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return { ok: false, problem: (error as Error).message };
  }
  return parseState(text);
}

/** Written to a temporary file and renamed, so a reader never sees half a state. */
export function writeState(state: RegistryState, path = registryPaths().statePath): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, JSON.stringify(state, null, 2) + '\n');
  renameSync(partial, path);
}

export function removeState(path = registryPaths().statePath): void {
  rmSync(path, { force: true });
}

/** What the state file says about the registry, once its pid is looked at. */
export type StateVerdict =
  | { kind: 'none' }
  /** state.json is there but unreadable: clean it up. */
  | { kind: 'bad'; problem: string }
  /** Its process is gone (e.g. SIGKILLed, or the machine restarted): clean it up. */
  | { kind: 'stale'; state: RegistryState }
  | { kind: 'alive'; state: RegistryState };

export function judgeState(parsed: ParsedState | undefined, processAlive: (state: RegistryState) => boolean): StateVerdict {
  if (!parsed) return { kind: 'none' };
  if (!parsed.ok) return { kind: 'bad', problem: parsed.problem };
  return processAlive(parsed.state) ? { kind: 'alive', state: parsed.state } : { kind: 'stale', state: parsed.state };
}
