import { describe, expect, it } from 'vitest';
import { SPEC_IMAGES, STAND_IN_LABEL, standInChanges } from '../../../lab/conformance/images.js';
import { AGNHOST_IMAGE } from '../../../lab/cluster/workload-image.js';

describe('the specs images', () => {
  it("provide agnhost as the lab's workload image, pause from the node image, httpd as a stand-in", () => {
    const by = Object.fromEntries(SPEC_IMAGES.map((i) => [i.image, i.provision]));
    expect(by[AGNHOST_IMAGE]).toBe('workload-image');
    expect(by['registry.k8s.io/pause:3.10.1']).toBe('node-image');
    expect(by['registry.k8s.io/e2e-test-images/httpd:2.4.38-4']).toBe('stand-in');
  });
  it('a stand-in serves HTTP on port 80 with agnhost and records the agnhost it was made from', () => {
    const changes = standInChanges('sha256:abc');
    expect(changes).toContain('ENTRYPOINT ["/agnhost"]');
    expect(changes).toContain('CMD ["netexec", "--http-port=80"]');
    expect(changes).toContain(`LABEL ${STAND_IN_LABEL}=sha256:abc`);
  });
});
