/** The public plugin API in one import: `import { ... } from 'controllers/scheduler/framework/index.js'`. */
export * from './status.js';
export * from './interfaces.js';
export * from './cycle-state.js';
export * from './node-info.js';
export * from './resources.js';
export * from './profile.js';
export * from './normalize.js';
export * from './listers.js';
export { fitErrorMessage, reasonHistogram } from './fit-error.js';
export { FrameworkRuntime, summarizeCycle, type AssumedPod, type CycleResult, type ScheduleOneResult, type SchedulingCycleOutcome, type PluginScores } from './runtime.js';
export type { WaitingPermit } from './waiting-pod.js';
