/**
 * Linux capabilities: which ones the bounding set lacks. `docker run --privileged` (every kind node)
 * asks for all of them; where the bounding set is incomplete (some sandboxes and CI runners) runc
 * fails unless dockerd runs containers through runc-capfilter (scripts/setup-docker.sh installs it).
 */

/** Capability names by bit number, from linux/capability.h. */
export const CAPABILITY_NAMES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
  'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/** The CapBnd mask from /proc/<pid>/status text, or undefined when there is no such line. */
export function boundingSetOf(procStatus: string): bigint | undefined {
  const m = /^CapBnd:\s*([0-9a-fA-F]+)\s*$/m.exec(procStatus);
  return m ? BigInt('0x' + m[1]) : undefined;
}

/**
 * Capabilities the kernel knows (bits 0..lastCap, as /proc/sys/kernel/cap_last_cap says; the names
 * this file knows when it cannot be read) that are missing from the bounding set.
 */
export function missingCapabilities(bounding: bigint, lastCap?: number): string[] {
  const last = Math.min(lastCap ?? CAPABILITY_NAMES.length - 1, CAPABILITY_NAMES.length - 1);
  const missing: string[] = [];
  for (let bit = 0; bit <= last; bit++) {
    if ((bounding & (1n << BigInt(bit))) === 0n) missing.push(CAPABILITY_NAMES[bit]!);
  }
  return missing;
}
