import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../lab/base/errors.js';
import { renderRegistryConfig } from '../../../lab/cluster/registry/config.js';
import { ipv4GatewayOf } from '../../../lab/cluster/registry/gateway.js';
import { isLoopback, parseListen, parseMirrorEnv, pushAddress } from '../../../lab/cluster/registry/mirror-url.js';
import { holderFromSs, parsePort } from '../../../lab/cluster/registry/port.js';
import { parse } from 'yaml';

describe('holderFromSs (ss -ltnp)', () => {
  const ss = [
    'State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess',
    'LISTEN 0      4096         0.0.0.0:15001      0.0.0.0:*    users:(("other",pid=1,fd=3))',
    'LISTEN 0      511        127.0.0.1:5001       0.0.0.0:*    users:(("python3",pid=4242,fd=3))',
    'LISTEN 0      4096            [::]:5050          [::]:*',
  ].join('\n');

  it('names the process on exactly that port', () => {
    expect(holderFromSs(ss, 5001)).toBe('"python3" (pid 4242)');
    expect(holderFromSs(ss, 15001)).toBe('"other" (pid 1)');
  });
  it('"a process" when ss shows no owner (not root), undefined when nothing listens', () => {
    expect(holderFromSs(ss, 5050)).toBe('a process');
    expect(holderFromSs(ss, 501)).toBeUndefined();
  });
});

describe('ipv4GatewayOf (docker network inspect kind)', () => {
  it('the IPv4 gateway, next to an IPv6 one', () => {
    expect(ipv4GatewayOf('[{"Subnet":"fc00:f853:ccd:e793::/64","Gateway":"fc00:f853:ccd:e793::1"},{"Subnet":"172.18.0.0/16","Gateway":"172.18.0.1"}]')).toBe('172.18.0.1');
  });
  it('the subnet\'s first address where Docker does not name a gateway', () => {
    expect(ipv4GatewayOf('[{"Subnet":"172.19.0.0/16"}]')).toBe('172.19.0.1');
  });
  it.each(['[]', 'null', 'not json', '[{"Subnet":"fc00::/64"}]'])('undefined for %s', (json) => {
    expect(ipv4GatewayOf(json)).toBeUndefined();
  });
});

describe('addresses and ports', () => {
  it('LAB_REGISTRY_MIRROR must be http(s)://host[:port]', () => {
    expect(parseMirrorEnv('http://192.168.1.10:5001/')).toBe('http://192.168.1.10:5001');
    expect(parseMirrorEnv(' http://teacher.local:5001 ')).toBe('http://teacher.local:5001');
    for (const bad of ['192.168.1.10:5001', 'http://x:5001/v2', 'tcp://x:1', '']) expect(() => parseMirrorEnv(bad)).toThrow(BadInputError);
  });
  it('docker pushes through loopback (Docker trusts plain HTTP there) unless the registry listens elsewhere', () => {
    expect(pushAddress('0.0.0.0', 5001)).toBe('127.0.0.1:5001');
    expect(pushAddress('127.0.0.1', 5050)).toBe('127.0.0.1:5050');
    expect(pushAddress('172.18.0.1', 5001)).toBe('172.18.0.1:5001');
    expect(isLoopback('127.0.0.1') && isLoopback('::1') && !isLoopback('0.0.0.0')).toBe(true);
  });
  it('--port and --listen are checked as bad input', () => {
    expect(parsePort('5001')).toBe(5001);
    for (const bad of ['0', '65536', '50x', '-1', '']) expect(() => parsePort(bad)).toThrow(BadInputError);
    expect(parseListen('0.0.0.0')).toBe('0.0.0.0');
    expect(() => parseListen('my-host')).toThrow(BadInputError);
  });
});

describe('renderRegistryConfig', () => {
  it('filesystem storage, deletes allowed, plain HTTP on listen:port (IPv6 in brackets)', () => {
    const config = parse(renderRegistryConfig({ listen: '0.0.0.0', port: 5001, dataDir: '/cache/registry/data' }));
    expect(config.storage).toEqual({ filesystem: { rootdirectory: '/cache/registry/data' }, delete: { enabled: true } });
    expect(config.http.addr).toBe('0.0.0.0:5001');
    expect(parse(renderRegistryConfig({ listen: '::', port: 5001, dataDir: '/d' })).http.addr).toBe('[::]:5001');
  });
});
