import { CERTS_DIR } from './hosts-toml.js';

/**
 * containerd reads hosts.toml files only when its CRI registry has a config_path. kind's own node
 * images (containerd 2.x, config version 3) set it; the lab's node image (containerd 1.6, config
 * version 2) does not. This decides, from the node's /etc/containerd/config.toml, whether
 * config_path is there, where the hosts files go, and how to add it when it is missing.
 */
export type ConfigPathPlan =
  /** config_path is set: write the hosts files into `certsDir`, no restart. */
  | { action: 'present'; certsDir: string }
  /** Write `text` as the new config.toml and restart containerd. */
  | { action: 'add'; certsDir: string; text: string }
  /** The lab cannot add it safely; `reason` says why. */
  | { action: 'refuse'; reason: string };

const SECTION: Record<number, string> = {
  2: '[plugins."io.containerd.grpc.v1.cri".registry]',
  3: '[plugins."io.containerd.cri.v1.images".registry]',
};

export function planConfigPath(configText: string): ConfigPathPlan {
  const existing = /^\s*config_path\s*=\s*["']([^"']*)["']/m.exec(configText)?.[1];
  const firstDir = existing?.split(':').find(Boolean);
  if (firstDir) return { action: 'present', certsDir: firstDir };
  const version = Number(/^\s*version\s*=\s*(\d+)/m.exec(configText)?.[1] ?? 1);
  const header = SECTION[version];
  if (!header) return { action: 'refuse', reason: `containerd config version ${version} (the lab adds config_path to versions 2 and 3)` };
  const prefix = header.slice(0, -1); // the table name without its closing bracket
  if (configText.includes(`${prefix}.mirrors`) || configText.includes(`${prefix}.configs`)) {
    return { action: 'refuse', reason: 'the config already sets registry mirrors or configs, which containerd does not allow together with config_path' };
  }
  const line = `  config_path = "${CERTS_DIR}"`;
  const lines = configText.split('\n');
  const at = lines.findIndex((l) => l.trim() === header);
  if (at >= 0) {
    lines.splice(at + 1, 0, line);
    return { action: 'add', certsDir: CERTS_DIR, text: lines.join('\n') };
  }
  const base = configText.endsWith('\n') || configText === '' ? configText : `${configText}\n`;
  return {
    action: 'add',
    certsDir: CERTS_DIR,
    text: `${base}\n# Added by k8s-flow-lab (\`lab registry up\`): read per-registry hosts.toml files (mirrors) at each pull.\n${header}\n${line}\n`,
  };
}
