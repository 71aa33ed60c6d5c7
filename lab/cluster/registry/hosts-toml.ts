/**
 * containerd's per-registry host files (`/etc/containerd/certs.d/<host>/hosts.toml`), read at
 * every pull when the CRI registry's config_path names that directory. The lab writes one for each
 * registry it mirrors: try the lab registry first (pull and resolve), then the real upstream.
 */
export const CERTS_DIR = '/etc/containerd/certs.d';

export interface MirroredHost {
  /** The name images use, and the directory under certs.d. */
  host: string;
  /** The real registry behind the name, tried when the mirror does not have an image; none for lab.local. */
  upstream?: string;
}

export const MIRRORED_HOSTS: readonly MirroredHost[] = [
  { host: 'registry.k8s.io', upstream: 'https://registry.k8s.io' },
  { host: 'docker.io', upstream: 'https://registry-1.docker.io' },
  { host: 'lab.local' },
];

/** The first line of every file the lab writes; `lab registry down` removes only files that start with it. */
export const HOSTS_TOML_MARKER = '# written by k8s-flow-lab (`lab registry up`)';

export function hostsTomlPath(host: string, certsDir = CERTS_DIR): string {
  return `${certsDir}/${host}/hosts.toml`;
}

export function renderHostsToml(mirrored: MirroredHost, mirrorUrl: string): string {
  const url = mirrorUrl.replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s"]+$/.test(url)) throw new Error(`mirror URL must be http(s)://host:port, not "${mirrorUrl}"`);
  return [
    HOSTS_TOML_MARKER,
    `# ${mirrored.host} images are pulled from the lab registry first (its repository is the path after "${mirrored.host}/").`,
    ...(mirrored.upstream
      ? [`server = "${mirrored.upstream}"`]
      : [`# ${mirrored.host} has no upstream registry: only the mirror has its images.`]),
    '',
    `[host."${url}"]`,
    '  capabilities = ["pull", "resolve"]',
    '',
  ].join('\n');
}

/** The mirror URL of a hosts.toml the lab wrote, or undefined for anyone else's file. */
export function labMirrorUrlIn(text: string): string | undefined {
  if (!text.startsWith(HOSTS_TOML_MARKER)) return undefined;
  return /^\[host\."([^"]+)"\]/m.exec(text)?.[1];
}
