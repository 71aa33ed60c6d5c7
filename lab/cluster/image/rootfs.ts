import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../exec.js';
import { cacheDir } from '../paths.js';
import { InputHash } from './hash.js';

/**
 * Debian root filesystems made with debootstrap from Debian's own packages (no registry), cached
 * as tar archives keyed by suite, packages and mirror.
 */
export interface RootfsSpec {
  name: string;
  suite: string;
  packages: string[];
}

/** The kind node: systemd as PID 1, containerd and runc, CNI plugins, the tools kubeadm and the kubelet call. */
export const NODE_ROOTFS: RootfsSpec = {
  name: 'node',
  suite: 'bookworm',
  packages: [
    'systemd', 'systemd-sysv', 'dbus', 'iproute2', 'iptables', 'mount', 'util-linux', 'kmod', 'procps',
    'containerd', 'runc', 'containernetworking-plugins', 'conntrack', 'ethtool', 'socat', 'ca-certificates',
  ],
};

/** A small userland for kube-proxy (iptables mode needs iptables and conntrack in its image). */
export const PROXY_ROOTFS: RootfsSpec = {
  name: 'kube-proxy-base',
  suite: 'bookworm',
  packages: ['iptables', 'conntrack', 'kmod'],
};

/** The Debian mirror apt already uses on this machine, so debootstrap goes where apt can. */
export function debianMirror(): string {
  if (process.env.LAB_DEBIAN_MIRROR) return process.env.LAB_DEBIAN_MIRROR;
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    const deb822 = /^URIs:\s*(\S+)/m.exec(text);
    if (deb822?.[1] && !deb822[1].includes('security')) return deb822[1];
    const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+\s+main/m.exec(text);
    if (oneLine?.[1]) return oneLine[1];
  }
  return 'http://deb.debian.org/debian';
}

export function rootfsKey(spec: RootfsSpec, mirror: string): string {
  return new InputHash().add('suite', spec.suite).add('packages', spec.packages.join(',')).add('mirror', mirror).add('layout', '2').key();
}

const DEBOOTSTRAP_ATTEMPTS = 3;

/** Returns a tar of the root filesystem, building it with debootstrap unless cached. */
export async function ensureRootfsTar(spec: RootfsSpec, log: (line: string) => void): Promise<{ tar: string; key: string; cached: boolean }> {
  const mirror = debianMirror();
  const key = rootfsKey(spec, mirror);
  const dir = join(cacheDir(), 'rootfs');
  const tar = join(dir, `${spec.name}-${spec.suite}-${key}.tar`);
  if (existsSync(tar)) return { tar, key, cached: true };
  mkdirSync(dir, { recursive: true });
  const target = join(dir, `${spec.name}-${key}.d`);
  log(`debootstrap ${spec.suite} (${spec.packages.length} packages) from ${mirror}`);
  // A mirror on a bad network sometimes serves an index that does not match (measured here once:
  // "Couldn't find these debs" for every package, and the same call worked a minute later), so
  // a failed debootstrap is tried again from a clean target before giving up.
  for (let attempt = 1; ; attempt++) {
    rmSync(target, { recursive: true, force: true });
    try {
      await run('debootstrap', ['--variant=minbase', `--include=${spec.packages.join(',')}`, spec.suite, target, mirror]);
      break;
    } catch (err) {
      if (attempt >= DEBOOTSTRAP_ATTEMPTS) throw err;
      log(`debootstrap failed (attempt ${attempt} of ${DEBOOTSTRAP_ATTEMPTS}); trying again in ${attempt * 15} s`);
      await new Promise((resolve) => setTimeout(resolve, attempt * 15_000));
    }
  }
  // Trim what a container image does not need: package caches, docs, device nodes (the runtime
  // provides /dev), and the machine-id (each node makes its own).
  await run('sh', ['-c', [
    `rm -rf "${target}"/var/cache/apt/archives/*.deb "${target}"/var/lib/apt/lists/* "${target}"/usr/share/doc/* "${target}"/usr/share/man/*`,
    `rm -rf "${target}"/dev/* "${target}"/proc/* "${target}"/sys/* "${target}"/run/* "${target}"/tmp/*`,
    `: > "${target}"/etc/machine-id`,
  ].join(' && ')]);
  log('packing the root filesystem');
  await run('tar', ['--numeric-owner', '--xattrs', '-C', target, '-cf', `${tar}.partial`, '.']);
  renameSync(`${tar}.partial`, tar);
  rmSync(target, { recursive: true, force: true });
  return { tar, key, cached: false };
}
