import { join } from 'node:path';
import { readJsonRecord, writeJsonRecord } from '../json-record.js';
import { cacheDir, KUBERNETES_VERSION, REPO_ROOT } from '../paths.js';
import { GO_GROUPS, groupKey } from './go-build.js';
import { InputHash } from './hash.js';
import { NODE_ROOTFS, PROXY_ROOTFS, rootfsKey } from './rootfs.js';

/**
 * Which sources a node image was made from, in a form another machine can check without Go or
 * debootstrap. The build's own inputs key also covers this machine's Go version and Debian mirror
 * (so it differs between machines); this key covers only what the checkout holds: the Kubernetes
 * version, scripts/node-image (Go modules, node files) and the package lists.
 */
export const FILES_DIR = join(REPO_ROOT, 'scripts', 'node-image', 'files');
/** The label `lab image build` puts on the node image: the key of the checkout's sources. */
export const SOURCES_LABEL = 'k8s-flow-lab.sources';

const MACHINE_INDEPENDENT = '(any)';

export function nodeImageSourceKey(): string {
  const hash = new InputHash().add('kubernetes', KUBERNETES_VERSION).addTree('files', FILES_DIR);
  for (const group of GO_GROUPS) hash.add('go-group', groupKey(group, MACHINE_INDEPENDENT));
  for (const spec of [NODE_ROOTFS, PROXY_ROOTFS]) hash.add('rootfs', rootfsKey(spec, MACHINE_INDEPENDENT));
  return hash.key();
}

/** Written by `lab image load`: the node image came from an archive, not from a build here. */
export interface ImportedNodeImage {
  image: string;
  id: string;
  sourceKey: string;
  inputsKey?: string;
  archive: string;
  loadedAt: string;
}

function importedRecordPath(): string {
  return join(cacheDir(), 'images', 'imported-node-image.json');
}

export function recordImportedNodeImage(record: ImportedNodeImage): void {
  writeJsonRecord(importedRecordPath(), record);
}

/** Undefined when there is none or it is damaged: a damaged record only means the next build checks from scratch. */
export function readImportedNodeImage(): ImportedNodeImage | undefined {
  return readJsonRecord(importedRecordPath()) as ImportedNodeImage | undefined;
}
