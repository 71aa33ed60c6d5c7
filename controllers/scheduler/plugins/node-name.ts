import type { FilterPlugin } from '../framework/interfaces.js';
import { success, unresolvable } from '../framework/status.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

/**
 * Filter: a pod that names a node fits only there. (Our queue serves pods with an empty nodeName,
 * so this matters when a plugin or test feeds a pod with one set.)
 */
export const NodeName: FilterPlugin = {
  name: 'NodeName',
  filter(_state, pod, nodeInfo) {
    const wanted = pod.spec?.nodeName;
    return !wanted || wanted === nodeInfo.name ? success() : unresolvable(ERR_REASON_NODE_NAME);
  },
};
