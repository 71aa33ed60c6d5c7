import { LabError } from '../../base/errors.js';
import { run } from '../exec.js';

/**
 * The host's address on kind's Docker network (the network's IPv4 gateway, e.g. 172.18.0.1):
 * what the nodes' containerd dials to reach a registry running on the host.
 */
export function ipv4GatewayOf(ipamConfigJson: string): string | undefined {
  let configs: Array<{ Subnet?: string; Gateway?: string }>;
  try {
    configs = (JSON.parse(ipamConfigJson) ?? []) as typeof configs;
  } catch {
    return undefined;
  }
  const v4 = configs.filter((c) => c.Subnet && /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(c.Subnet));
  const withGateway = v4.find((c) => c.Gateway && /^\d+\.\d+\.\d+\.\d+$/.test(c.Gateway));
  if (withGateway) return withGateway.Gateway;
  // Docker picks the subnet's first address when it does not say: 172.18.0.0/16 → 172.18.0.1.
  const subnet = v4[0]?.Subnet?.split('/')[0]?.split('.').map(Number);
  return subnet && subnet.length === 4 ? [subnet[0], subnet[1], subnet[2], (subnet[3] ?? 0) + 1].join('.') : undefined;
}

export async function kindNetworkGateway(): Promise<string> {
  const result = await run('docker', ['network', 'inspect', 'kind', '--format', '{{json .IPAM.Config}}'], { reject: false });
  const gateway = result.exitCode === 0 ? ipv4GatewayOf(result.stdout.trim()) : undefined;
  if (!gateway) {
    throw new LabError(
      `cannot find the host's address on Docker network "kind": ${result.exitCode === 0 ? 'it has no IPv4 subnet' : (result.stderr || result.stdout).trim()}`,
      '`docker network inspect kind` should show an IPv4 subnet; `npx lab up --recreate` makes the network anew',
    );
  }
  return gateway;
}
