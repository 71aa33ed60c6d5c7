import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../lab/base/errors.js';
import { mirrorPathOf, pushName } from '../../../lab/cluster/registry/image-path.js';

describe('mirrorPathOf: where containerd asks a mirror for an image (no override_path)', () => {
  it.each([
    ['registry.k8s.io/e2e-test-images/agnhost:2.56', 'registry.k8s.io', 'e2e-test-images/agnhost', '2.56'],
    ['lab.local/web:1.0', 'lab.local', 'web', '1.0'],
    ['docker.io/library/nginx:1.27', 'docker.io', 'library/nginx', '1.27'],
    ['nginx:1.27', 'docker.io', 'library/nginx', '1.27'],
    ['nginx', 'docker.io', 'library/nginx', 'latest'],
    ['someone/app:v2', 'docker.io', 'someone/app', 'v2'],
    ['index.docker.io/library/busybox:1', 'docker.io', 'library/busybox', '1'],
    ['registry.k8s.io/pause:3.10.1', 'registry.k8s.io', 'pause', '3.10.1'],
    ['localhost:5001/a/b:c', 'localhost:5001', 'a/b', 'c'],
  ])('%s → host %s, repository %s, tag %s', (image, host, repository, tag) => {
    expect(mirrorPathOf(image)).toMatchObject({ host, repository, tag });
  });

  it('keeps a digest and spells the name out in full', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    expect(mirrorPathOf(`registry.k8s.io/pause@${digest}`)).toEqual({ host: 'registry.k8s.io', repository: 'pause', digest, canonical: `registry.k8s.io/pause@${digest}` });
    expect(mirrorPathOf('nginx').canonical).toBe('docker.io/library/nginx:latest');
  });

  it.each(['', 'Lab.local/Web:1.0x', 'lab.local/web:', 'web@sha256:xyz', 'lab.local//web:1', 'lab.local/web:bad tag'])('refuses "%s" as bad input', (image) => {
    expect(() => mirrorPathOf(image)).toThrow(BadInputError);
  });

  it('pushName: the name docker pushes so the image lands at its mirror path', () => {
    expect(pushName('registry.k8s.io/e2e-test-images/agnhost:2.56', '127.0.0.1:5001')).toBe('127.0.0.1:5001/e2e-test-images/agnhost:2.56');
    expect(pushName('lab.local/web:pull-x', '127.0.0.1:5050')).toBe('127.0.0.1:5050/web:pull-x');
    expect(() => pushName(`lab.local/web@sha256:${'0'.repeat(64)}`, '127.0.0.1:5001')).toThrow(/no tag/);
  });
});
