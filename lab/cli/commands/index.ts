import type { Command } from 'commander';

/** A CLI command: adds itself (with its help text and an example) to the program. */
export interface CommandModule {
  register(program: Command): void;
}

/** A command module, the top-level commands it registers, and how to load it. */
export interface CommandEntry {
  commands: readonly string[];
  load(): Promise<CommandModule>;
}

/**
 * Every command module, in the order `lab --help` lists them. Loaded on demand: `lab run` (a
 * long-lived process whose memory the bench compares with kube-controller-manager's) loads the
 * run command's code only, not the bench's, the trace report's or the exercises'.
 */
export const COMMAND_ENTRIES: readonly CommandEntry[] = [
  { commands: ['up', 'down', 'status', 'kubeconfig', 'kubectl', 'node'], load: () => import('./cluster.js') },
  { commands: ['image'], load: () => import('./image.js') },
  { commands: ['run', 'stop'], load: () => import('./run.js') },
  { commands: ['controllers'], load: () => import('./controllers.js') },
  { commands: ['exercise'], load: () => import('./exercise.js') }, // guided exercises (lab/exercises)
  { commands: ['doctor'], load: () => import('./doctor.js') }, // is this machine ready for the lab (lab/doctor)
  { commands: ['trace'], load: () => import('./trace.js') }, // lab trace and lab trace export (lab/trace)
  { commands: ['compare'], load: () => import('./compare.js') }, // built-in vs lab side by side (lab/compare)
  { commands: ['demo'], load: () => import('./demo.js') }, // from nothing to the live chain of events (lab/demo)
  { commands: ['bench'], load: () => import('./bench.js') }, // lab vs built-in measurements (lab/bench)
  { commands: ['registry'], load: () => import('./registry.js') }, // a local registry the nodes pull through (lab/cluster/registry)
  { commands: ['nodes'], load: () => import('./nodes.js') }, // simulated nodes with kwok (lab/cluster/simulated-nodes)
  { commands: ['conformance'], load: () => import('./conformance.js') }, // upstream's e2e specs against the lab (lab/conformance)
];

/**
 * Pure: the entries `argv` (node, script, args...) needs: the one whose command comes first, or
 * every entry when none does (`lab --help`, `lab help run`, a mistyped command: commander then
 * lists or suggests them all).
 */
export function entriesFor(argv: readonly string[], entries: readonly CommandEntry[] = COMMAND_ENTRIES): readonly CommandEntry[] {
  const first = argv[2];
  const entry = first === undefined ? undefined : entries.find((e) => e.commands.includes(first));
  return entry ? [entry] : entries;
}

/** The command modules `argv` needs, loaded. */
export function loadCommandModules(argv: readonly string[]): Promise<CommandModule[]> {
  return Promise.all(entriesFor(argv).map((entry) => entry.load()));
}
