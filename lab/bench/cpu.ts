/**
 * CPU time the whole machine spent busy, from /proc/stat: the cluster (kind nodes are containers
 * on this kernel), dockerd and the lab all count. A rollout's CPU seconds, traced and untraced, say
 * what the taps cost even when the end-to-end time is lost in noise.
 */
import { readFile } from 'node:fs/promises';

/** /proc/stat counts in USER_HZ, 100 per second on every Linux ABI. */
const USER_HZ = 100;

/**
 * Pure: the first "cpu " line of /proc/stat → busy seconds: user, nice, system, irq, softirq.
 * Not idle or iowait, and not steal (time the hypervisor gave to another machine).
 */
export function busySecondsOf(procStat: string): number | undefined {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  if (fields.length < 5 || fields.some((f) => !Number.isFinite(f))) return undefined;
  // user nice system idle iowait irq softirq steal … (guest time is already inside user and nice)
  const [user, nice, system, , , irq = 0, softirq = 0] = fields;
  return (user! + nice! + system! + irq + softirq) / USER_HZ;
}

/** Busy seconds so far, or undefined where /proc/stat cannot be read (not Linux). */
export async function machineBusySeconds(): Promise<number | undefined> {
  try {
    return busySecondsOf(await readFile('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}
