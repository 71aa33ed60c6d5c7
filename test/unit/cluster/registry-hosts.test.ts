import { describe, expect, it } from 'vitest';
import { planConfigPath } from '../../../lab/cluster/registry/containerd-config.js';
import { hostsTomlPath, labMirrorUrlIn, MIRRORED_HOSTS, renderHostsToml } from '../../../lab/cluster/registry/hosts-toml.js';

const host = (name: string) => MIRRORED_HOSTS.find((h) => h.host === name)!;

describe('renderHostsToml', () => {
  it('registry.k8s.io: the real upstream as server, the lab registry first with pull and resolve', () => {
    const text = renderHostsToml(host('registry.k8s.io'), 'http://172.18.0.1:5001/');
    expect(text).toContain('server = "https://registry.k8s.io"\n');
    expect(text).toContain('[host."http://172.18.0.1:5001"]\n  capabilities = ["pull", "resolve"]\n');
    expect(text).not.toContain('override_path'); // containerd 1.6 has none
  });

  it('docker.io: the directory is docker.io, the server registry-1.docker.io', () => {
    expect(hostsTomlPath('docker.io')).toBe('/etc/containerd/certs.d/docker.io/hosts.toml');
    expect(renderHostsToml(host('docker.io'), 'http://10.0.0.5:5001')).toContain('server = "https://registry-1.docker.io"');
  });

  it('lab.local has no upstream: no server line', () => {
    const text = renderHostsToml(host('lab.local'), 'http://10.0.0.5:5001');
    expect(text).not.toMatch(/^server/m);
    expect(text).toContain('[host."http://10.0.0.5:5001"]');
  });

  it('the lab knows its own files (down removes only those) and reads their mirror back', () => {
    expect(labMirrorUrlIn(renderHostsToml(host('lab.local'), 'http://10.0.0.5:5001'))).toBe('http://10.0.0.5:5001');
    expect(labMirrorUrlIn('server = "https://registry.k8s.io"\n[host."http://mine:5000"]\n')).toBeUndefined();
  });

  it.each(['172.18.0.1:5001', 'ftp://x:1', 'http://a b:1', 'http://x:1/path'])('refuses the mirror URL %s', (url) => {
    expect(() => renderHostsToml(host('lab.local'), url)).toThrow(/http\(s\):\/\/host:port/);
  });
});

describe('planConfigPath (containerd config.toml)', () => {
  const v2 = 'version = 2\n\n[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.10.1"\n';

  it('containerd 1.6, config version 2 without config_path: appends the CRI registry section', () => {
    const plan = planConfigPath(v2);
    expect(plan).toMatchObject({ action: 'add', certsDir: '/etc/containerd/certs.d' });
    if (plan.action !== 'add') throw new Error('expected add');
    expect(plan.text.startsWith(v2)).toBe(true);
    expect(plan.text).toMatch(/\n\[plugins\."io\.containerd\.grpc\.v1\.cri"\.registry\]\n  config_path = "\/etc\/containerd\/certs\.d"\n$/);
    expect(planConfigPath(plan.text)).toEqual({ action: 'present', certsDir: '/etc/containerd/certs.d' }); // idempotent
  });

  it('an existing registry section gets config_path inside it, not a second header', () => {
    const plan = planConfigPath(`${v2}\n[plugins."io.containerd.grpc.v1.cri".registry]\n\n[plugins."io.containerd.grpc.v1.cri".cni]\n  bin_dir = "/opt/cni/bin"\n`);
    if (plan.action !== 'add') throw new Error('expected add');
    expect(plan.text.match(/\.registry\]/g)).toHaveLength(1);
    expect(plan.text).toContain('.registry]\n  config_path = "/etc/containerd/certs.d"\n');
  });

  it('kind\'s containerd 2.x images already set it: hosts files go where it says, no restart', () => {
    const v3 = 'version = 3\n[plugins."io.containerd.cri.v1.images".registry]\n  config_path = "/etc/containerd/certs.d"\n';
    expect(planConfigPath(v3)).toEqual({ action: 'present', certsDir: '/etc/containerd/certs.d' });
    expect(planConfigPath('version = 2\n  config_path = "/etc/docker/certs.d:/etc/containerd/certs.d"\n')).toEqual({ action: 'present', certsDir: '/etc/docker/certs.d' });
  });

  it('config version 3 without it: the images plugin\'s registry section', () => {
    const plan = planConfigPath('version = 3\n');
    expect(plan.action === 'add' && plan.text).toContain('[plugins."io.containerd.cri.v1.images".registry]\n  config_path');
  });

  it('refuses what containerd would reject or the lab cannot edit safely', () => {
    expect(planConfigPath(`${v2}[plugins."io.containerd.grpc.v1.cri".registry.mirrors."docker.io"]\n  endpoint = ["http://x:5000"]\n`)).toMatchObject({ action: 'refuse', reason: expect.stringContaining('mirrors') });
    expect(planConfigPath('[plugins.cri]\n')).toMatchObject({ action: 'refuse', reason: expect.stringContaining('version 1') });
  });
});
