import { BadInputError } from '../../base/errors.js';

/**
 * Where an image lives in the lab registry. containerd asks a mirror for the image's repository
 * path without its registry host (`GET /v2/<path>/manifests/<ref>?ns=<host>`, with no
 * override_path, which containerd 1.6 does not have), so the registry must store each image under
 * that path: registry.k8s.io/e2e-test-images/agnhost:2.56 → e2e-test-images/agnhost,
 * lab.local/web:1.0 → web, nginx (docker.io/library/nginx) → library/nginx.
 */
export interface MirrorPath {
  /** The registry host the image is named after: registry.k8s.io, docker.io, lab.local, ... */
  host: string;
  /** The repository in the mirror: the path after the host. */
  repository: string;
  tag?: string;
  digest?: string;
  /** The fully spelled name: host/repository:tag (or @digest). */
  canonical: string;
}

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

export function mirrorPathOf(image: string): MirrorPath {
  const bad = (why: string) =>
    new BadInputError(`"${image}" is not an image name: ${why}`, 'use a name like registry.k8s.io/e2e-test-images/agnhost:2.56, lab.local/web:1.0 or nginx:1.27');
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw bad(`"${digest}" is not a digest`);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw bad(`"${tag}" is not a tag`);
  }
  const parts = rest.split('/');
  const first = parts[0] ?? '';
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let host = hasHost ? first.toLowerCase() : 'docker.io';
  if (host === 'index.docker.io' || host === 'registry-1.docker.io') host = 'docker.io';
  const path = hasHost ? parts.slice(1) : parts;
  if (path.length === 0 || path.some((c) => !COMPONENT.test(c))) throw bad('each part of the path must be lower-case letters, digits and . _ -');
  if (host === 'docker.io' && path.length === 1) path.unshift('library');
  if (!tag && !digest) tag = 'latest';
  const repository = path.join('/');
  const canonical = `${host}/${repository}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
  return { host, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}), canonical };
}

/** The name to `docker push` an image under so that it lands at its mirror path: 127.0.0.1:5001/web:1.0. */
export function pushName(image: string, registryAddress: string): string {
  const path = mirrorPathOf(image);
  if (!path.tag) throw new BadInputError(`${image} has no tag: docker can only push a tagged name`, 'tag it first (`docker tag IMAGE lab.local/NAME:TAG`)');
  return `${registryAddress}/${path.repository}:${path.tag}`;
}
