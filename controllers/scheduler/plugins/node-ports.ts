import type { FilterPlugin, PreFilterPlugin } from '../framework/interfaces.js';
import { StateKey } from '../framework/cycle-state.js';
import { hostPortsConflict, podHostPorts, type HostPort } from '../framework/resources.js';
import { skip, success, unschedulable } from '../framework/status.js';

export const ERR_REASON_PORTS = "node(s) didn't have free ports for the requested pod ports";
const WANTED_PORTS = new StateKey<HostPort[]>('NodePorts/wanted');

/** PreFilter: collect the pod's host ports (Skip if none). Filter: none may clash with ports in use on the node. */
export const NodePorts: PreFilterPlugin & FilterPlugin = {
  name: 'NodePorts',
  preFilter(state, pod) {
    const wanted = podHostPorts(pod);
    if (wanted.length === 0) return { status: skip() };
    state.write(WANTED_PORTS, wanted);
    return {};
  },
  filter(state, pod, nodeInfo) {
    const wanted = state.read(WANTED_PORTS) ?? podHostPorts(pod);
    const clash = wanted.some((port) => nodeInfo.usedPorts.some((used) => hostPortsConflict(port, used)));
    return clash ? unschedulable(ERR_REASON_PORTS) : success();
  },
};
