/**
 * The images the selected specs run, and where each comes from without a registry. Upstream's
 * KUBE_TEST_REPO_LIST can only move a whole registry (promoterE2eRegistry and such), not turn
 * httpd into agnhost, so the specs' own image names must exist in the nodes: agnhost is the lab's
 * workload image, pause is the node image's sandbox image, and httpd is a stand-in made from
 * agnhost (its netexec HTTP server on port 80, as httpd listens) — the apps specs only need its
 * pods to run, never Apache itself. The stand-in says so in a label and in /etc/lab-stand-in.
 */
import { join } from 'node:path';
import type { Progress } from '../base/progress.js';
import { commitOnto, inspectImage, removeStage, saveImage, stage } from '../cluster/image/docker-images.js';
import { execInNode, listNodeContainers, loadImageArchive } from '../cluster/nodes.js';
import { cacheDir } from '../cluster/paths.js';
import { AGNHOST_IMAGE } from '../cluster/workload-image.js';

export type Provision = 'workload-image' | 'node-image' | 'stand-in';

export interface SpecImage {
  image: string;
  provision: Provision;
  /** What the specs use it for, and what the lab puts there. */
  note: string;
}

const E2E = 'registry.k8s.io/e2e-test-images';

export const SPEC_IMAGES: SpecImage[] = [
  { image: AGNHOST_IMAGE, provision: 'workload-image', note: "the lab's workload image, built from the same k8s.io/kubernetes module" },
  { image: 'registry.k8s.io/pause:3.10.1', provision: 'node-image', note: "the node image's pod sandbox image (built from the lab's pause)" },
  { image: `${E2E}/httpd:2.4.38-4`, provision: 'stand-in', note: 'WebserverImage of the apps specs: agnhost netexec on port 80 stands in for Apache httpd' },
  { image: `${E2E}/httpd:2.4.39-4`, provision: 'stand-in', note: 'NewWebserverImage of the apps specs: agnhost netexec on port 80 stands in for Apache httpd' },
];

export const STAND_IN_LABEL = 'k8s-flow-lab.stand-in-from';

/** The Dockerfile-like changes that make an agnhost image serve HTTP on :80 by default, marked as a stand-in. */
export function standInChanges(baseId: string): string[] {
  return ['ENTRYPOINT ["/agnhost"]', 'CMD ["netexec", "--http-port=80"]', `LABEL ${STAND_IN_LABEL}=${baseId}`];
}

export interface PreparedImages {
  /** Stand-ins created in Docker now (else they were there, made from the same agnhost). */
  created: string[];
  /** Stand-ins imported into nodes now. */
  loaded: { image: string; nodes: string[] }[];
  /** Why nothing was done (online mode: the nodes pull every image themselves). */
  skipped?: string;
}

async function nodesWithout(image: string, nodes: string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const node of nodes) {
    const result = await execInNode(node, ['ctr', '--namespace', 'k8s.io', 'images', 'ls', '-q', `name==${image}`]);
    if (result.exitCode !== 0 || result.stdout.trim() === '') missing.push(node);
  }
  return missing;
}

/** Creates the stand-ins from the agnhost image in Docker (when missing or made from another agnhost) and imports them into every node that lacks them. */
export async function prepareStandIns(progress: Progress): Promise<PreparedImages> {
  const base = await inspectImage(AGNHOST_IMAGE);
  if (!base) return { created: [], loaded: [], skipped: `${AGNHOST_IMAGE} is not in Docker (online mode): the nodes pull the specs' images from registry.k8s.io` };
  const nodes = (await listNodeContainers()).filter((n) => n.running).map((n) => n.name);
  const created: string[] = [];
  const loaded: PreparedImages['loaded'] = [];
  for (const { image, note } of SPEC_IMAGES.filter((i) => i.provision === 'stand-in')) {
    const existing = await inspectImage(image);
    const fresh = existing?.labels[STAND_IN_LABEL] !== base.id;
    if (fresh) {
      await progress.step(`stand-in ${image} from ${AGNHOST_IMAGE}`, async () => {
        const dir = stage([{ path: '/etc/lab-stand-in', content: `${image}: ${note}\n` }]);
        try {
          await commitOnto(AGNHOST_IMAGE, dir, image, standInChanges(base.id));
        } finally {
          removeStage(dir);
        }
      });
      created.push(image);
    }
    const targets = fresh ? nodes : await nodesWithout(image, nodes);
    if (targets.length === 0) continue;
    await progress.step(`loading ${image} into ${targets.join(', ')}`, async () => {
      const archive = join(cacheDir(), 'conformance', `${image.replace(/[/:]/g, '_')}.tar`);
      await saveImage(image, archive);
      await loadImageArchive(archive, targets);
    });
    loaded.push({ image, nodes: targets });
  }
  return { created, loaded };
}
