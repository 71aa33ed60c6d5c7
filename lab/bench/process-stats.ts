/**
 * One process's CPU seconds and memory, from Linux's /proc: the lab's scheduler process on this
 * machine, kube-scheduler inside a kind node container (the node sees its pods' processes). Read
 * before and after a measured window, the CPU difference is what that window cost the process.
 */
import { readFile } from 'node:fs/promises';
import { execInNode } from '../cluster/nodes.js';

/** /proc counts CPU time in USER_HZ, 100 per second on every Linux ABI. */
const USER_HZ = 100;

export interface ProcessStats {
  /** user + system CPU time the process has used since it started. */
  cpuSeconds: number;
  /** Resident memory now (VmRSS) and the highest it has been (VmHWM), in MiB. */
  rssMiB: number;
  peakRssMiB: number;
}

/**
 * Pure: /proc/<pid>/stat and /proc/<pid>/status → ProcessStats. The command name in stat may
 * hold spaces and parentheses, so the fields are counted from the last ')': utime and stime are
 * fields 14 and 15 of the line, the 12th and 13th after it.
 */
export function parseProcessStats(stat: string, status: string): ProcessStats | undefined {
  const after = stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/);
  const utime = Number(after[11]);
  const stime = Number(after[12]);
  const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1]);
  const rss = kB('VmRSS');
  const hwm = kB('VmHWM');
  if (![utime, stime, rss, hwm].every(Number.isFinite)) return undefined;
  return { cpuSeconds: (utime + stime) / USER_HZ, rssMiB: rss / 1024, peakRssMiB: hwm / 1024 };
}

/** A process of this machine; undefined where there is no /proc (macOS) or it has gone. */
export async function localProcessStats(pid: number): Promise<ProcessStats | undefined> {
  try {
    const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
    return parseProcessStats(stat, status);
  } catch {
    return undefined;
  }
}

/** Between the stat and status texts in nodeProcessStats' output. */
const SEPARATOR = '--- status ---';

/**
 * The one process inside node container `container` whose command line contains `marker`
 * (a flag only that process has), as seen from the node. Undefined if none or several match.
 */
export async function nodeProcessStats(container: string, marker: string): Promise<ProcessStats | undefined> {
  // No pgrep in every node image: walk /proc; the shell's own process also carries the marker, so skip $$.
  const script =
    `n=0; for d in /proc/[0-9]*; do [ "\${d#/proc/}" = "$$" ] && continue; ` +
    `if tr "\\0" " " < $d/cmdline 2>/dev/null | grep -qF -- "$1"; then n=$((n+1)); p=$d; fi; done; ` +
    `[ "$n" = 1 ] || exit 3; cat $p/stat; echo "${SEPARATOR}"; cat $p/status`;
  const result = await execInNode(container, ['sh', '-c', script, 'sh', marker], { timeoutMs: 20_000 });
  if (result.exitCode !== 0) return undefined;
  const [stat, status] = result.stdout.split(SEPARATOR);
  return stat !== undefined && status !== undefined ? parseProcessStats(stat, status) : undefined;
}
