/** `lab doctor`: is this machine ready for the lab, and what to do where it is not. */
export { runDoctor, doctorExitCode, formatReport, type DoctorReport } from './doctor.js';
export { CHECKS, type Check, type CheckOutcome } from './checks.js';
export { systemProbes, systemSettings } from './probes.js';
export type { CheckResult, CheckStatus, DoctorProbes, DoctorSettings, DockerInfo } from './types.js';
