/**
 * `lab doctor`: the shapes its checks share. A check is a small function of injected probes (so
 * tests hand it fakes) that says ok, warn or fail, what it saw, and how to fix a failure.
 */
import type { ClusterHealth } from '../cluster/health.js';
import type { BuiltinControllersState } from '../cluster/builtin-controllers.js';
import type { RegistryProbe } from '../cluster/registry-probe.js';

export type CheckStatus = true | false | 'warn';

export interface CheckResult {
  name: string;
  ok: CheckStatus;
  /** What the check saw (a version, a path, a count). */
  detail: string;
  /** What to do about a failure or a warning. */
  fix?: string;
}

export interface CommandOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Everything the checks read from the machine. The real ones are in probes.ts. */
export interface DoctorProbes {
  nodeVersion(): string;
  /** Runs a program; undefined when the program is not installed. Never throws for a non-zero exit. */
  run(file: string, args: readonly string[]): Promise<CommandOutput | undefined>;
  /** A file's text, or undefined when it cannot be read. */
  readFile(path: string): Promise<string | undefined>;
  exists(path: string): boolean;
  /** Bytes available to unprivileged users on the filesystem holding `path` (or its nearest existing parent). */
  freeBytes(path: string): Promise<number | undefined>;
  clusterHealth(): Promise<ClusterHealth>;
  builtinControllers(): Promise<BuiltinControllersState>;
  /** GET /v2/ of the registries online mode pulls from (short timeout each, all at once). */
  registries(): Promise<RegistryProbe[]>;
}

/** The parts of `docker info --format '{{json .}}'` the checks use. */
export interface DockerInfo {
  ServerVersion?: string;
  DefaultRuntime?: string;
  Runtimes?: Record<string, { path?: string }>;
  CgroupVersion?: string;
  CgroupDriver?: string;
  DockerRootDir?: string;
  ServerErrors?: string[];
}

/** Paths and names the checks need, injected so tests do not depend on the environment. */
export interface DoctorSettings {
  clusterName: string;
  kindPath: string;
  nodeImage: string;
  cacheDir: string;
  /** Fallback when `docker info` gives no DockerRootDir. */
  dockerRootDir: string;
  /** LAB_IMAGE_MODE, when set: online or offline without probing. */
  imageMode?: string;
  /** The workload image (LAB_WORKLOAD_IMAGE or agnhost). */
  workloadImage: string;
}
