import { isIP } from 'node:net';
import { BadInputError } from '../../base/errors.js';
import { kindNetworkGateway } from './gateway.js';
import type { RegistryState } from './state.js';

/**
 * The URL the nodes' containerd uses for the mirror: a remote registry named by
 * LAB_REGISTRY_MIRROR (a classroom's), or the lab registry on this host through kind's gateway.
 */
export function parseMirrorEnv(value: string): string {
  const url = value.trim().replace(/\/+$/, '');
  if (!/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(url)) {
    throw new BadInputError(`LAB_REGISTRY_MIRROR must be http://HOST:PORT (a registry the nodes can reach), not "${value}"`, 'e.g. LAB_REGISTRY_MIRROR=http://192.168.1.10:5001 npx lab up --recreate (the machine at 192.168.1.10 ran `npx lab registry up`)');
  }
  return url;
}

export function isLoopback(listen: string): boolean {
  return listen === 'localhost' || listen === '::1' || /^127\./.test(listen);
}

export function isWildcard(listen: string): boolean {
  return listen === '0.0.0.0' || listen === '::';
}

export function parseListen(value: string): string {
  if (!isIP(value)) throw new BadInputError(`--listen must be an IP address of this machine, not "${value}"`, 'e.g. --listen 0.0.0.0 (every interface, the default; the nodes need it), or --listen 127.0.0.1 (this machine only, no nodes). Another address needs it in Docker\'s insecure-registries to push');
  return value;
}

/** How this host reaches the registry for `docker push` (Docker trusts plain HTTP on 127.0.0.0/8 only). */
export function pushAddress(listen: string, port: number): string {
  return isWildcard(listen) || isLoopback(listen) ? `127.0.0.1:${port}` : `${listen.includes(':') ? `[${listen}]` : listen}:${port}`;
}

/** The URL the kind nodes use for the local registry; undefined when it listens on loopback only. */
export async function nodeMirrorUrl(state: Pick<RegistryState, 'listen' | 'port'>): Promise<string | undefined> {
  if (isLoopback(state.listen)) return undefined;
  const host = isWildcard(state.listen) ? await kindNetworkGateway() : state.listen;
  return `http://${host.includes(':') ? `[${host}]` : host}:${state.port}`;
}
