/**
 * Facts several checks need (docker info, the node image, the cluster's health), each fetched once
 * per doctor run however many checks ask for it.
 */
import type { ClusterHealth } from '../cluster/health.js';
import type { DockerInfo, DoctorProbes, DoctorSettings } from './types.js';

import { INPUTS_LABEL } from '../cluster/image/build.js';
import { planImages, type ImagePlan } from '../cluster/image-plan.js';

export type DockerEngine = { answering: true; info: DockerInfo } | { answering: false; reason: string };
export type NodeImage = { present: false } | { present: true; inputs?: string };

export interface DoctorContext {
  probes: DoctorProbes;
  settings: DoctorSettings;
  dockerCli(): Promise<string | undefined>;
  dockerEngine(): Promise<DockerEngine>;
  nodeImage(): Promise<NodeImage | undefined>;
  cluster(): Promise<ClusterHealth | undefined>;
  /** Online or offline, as `lab up` would decide it now (the registries are probed once). */
  imagePlan(): Promise<ImagePlan>;
}

function once<T>(fetch: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= fetch());
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter(Boolean).pop() ?? '';
}

/** Reads `docker info`: answering only when it exits 0, parses, and reports no server errors. */
export function interpretDockerInfo(output: { exitCode: number; stdout: string; stderr: string }): DockerEngine {
  let info: DockerInfo | undefined;
  try {
    info = JSON.parse(output.stdout) as DockerInfo;
  } catch {
    info = undefined;
  }
  const serverError = info?.ServerErrors?.find(Boolean);
  if (output.exitCode !== 0 || !info || serverError || !info.ServerVersion) {
    return { answering: false, reason: serverError ?? (lastLine(output.stderr) || lastLine(output.stdout) || `docker info exited ${output.exitCode}`) };
  }
  return { answering: true, info };
}

export function createContext(probes: DoctorProbes, settings: DoctorSettings): DoctorContext {
  const dockerCli = once(async () => {
    const out = await probes.run('docker', ['--version']);
    return out && out.exitCode === 0 ? out.stdout.trim() : undefined;
  });
  const dockerEngine = once(async (): Promise<DockerEngine> => {
    if (!(await dockerCli())) return { answering: false, reason: 'no docker CLI' };
    const out = await probes.run('docker', ['info', '--format', '{{json .}}']);
    return out ? interpretDockerInfo(out) : { answering: false, reason: 'no docker CLI' };
  });
  const nodeImage = once(async (): Promise<NodeImage | undefined> => {
    if (!(await dockerEngine()).answering) return undefined;
    const out = await probes.run('docker', ['image', 'inspect', '--format', '{{json .Config.Labels}}', settings.nodeImage]);
    if (!out || out.exitCode !== 0) return { present: false };
    let labels: Record<string, string> | null = null;
    try {
      labels = JSON.parse(out.stdout) as Record<string, string> | null;
    } catch {
      labels = null;
    }
    const inputs = labels?.[INPUTS_LABEL];
    return inputs ? { present: true, inputs } : { present: true };
  });
  const cluster = once(async () => ((await dockerEngine()).answering ? probes.clusterHealth() : undefined));
  const imagePlan = once(async () => {
    const env = { LAB_WORKLOAD_IMAGE: settings.workloadImage };
    if (settings.imageMode) return planImages({ mode: settings.imageMode, probes: [], env });
    return planImages({ probes: await probes.registries(), env });
  });
  return { probes, settings, dockerCli, dockerEngine, nodeImage, cluster, imagePlan };
}
