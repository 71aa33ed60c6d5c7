import type { Command } from 'commander';

/** A CLI command: adds itself (with its help text and an example) to the program. */
export interface CommandModule {
  register(program: Command): void;
}

import * as cluster from './cluster.js';
import * as image from './image.js';
import * as run from './run.js';
import * as controllers from './controllers.js';

/** Every command, in the order `lab --help` lists them. */
export const commandModules: CommandModule[] = [cluster, image, run, controllers];
import * as exercise from './exercise.js'; commandModules.push(exercise); // lab exercise: guided exercises (lab/exercises)
import * as doctor from './doctor.js'; commandModules.push(doctor); // lab doctor: is this machine ready for the lab (lab/doctor)
import * as trace from './trace.js'; commandModules.push(trace); // lab trace and lab trace export (lab/trace)
import * as compare from './compare.js'; commandModules.push(compare); // lab compare: built-in vs lab side by side (lab/compare)
import * as demo from './demo.js'; commandModules.push(demo); // lab demo: from nothing to the live chain of events (lab/demo)
import * as bench from './bench.js'; commandModules.push(bench); // lab bench: lab vs built-in measurements (lab/bench)
import * as registry from './registry.js'; commandModules.push(registry); // lab registry up|down|status: a local registry the nodes pull through (lab/cluster/registry)
import * as nodes from './nodes.js'; commandModules.push(nodes); // lab nodes add|remove|list: simulated nodes with kwok (lab/cluster/simulated-nodes)
import * as conformance from './conformance.js'; commandModules.push(conformance); // lab conformance: upstream's e2e specs against the lab (lab/conformance)
