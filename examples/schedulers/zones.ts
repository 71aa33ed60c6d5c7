/**
 * zones.ts — prefer nodes in the zones you like, in order of preference.
 *
 * Nodes carry their zone in a label (well-known: topology.kubernetes.io/zone). This plugin gives
 * the first preferred zone 100, the next a bit less, and unlisted zones 0. It only PREFERS: a pod
 * still lands in another zone when the preferred ones are full (to REQUIRE a zone, write a Filter
 * returning unschedulable(...) instead — see examples/schedulers/README.md).
 *
 * The kind cluster's nodes have no zone label; give them one:
 *   kubectl label node lab-worker  topology.kubernetes.io/zone=zone-b
 *   kubectl label node lab-worker2 topology.kubernetes.io/zone=zone-a
 * Run it:   npx lab run --only scheduler --scheduler examples/schedulers/zones.ts
 */
import { MAX_NODE_SCORE, type ScorePlugin } from '../../controllers/scheduler/framework/index.js';

// ---- configure here ------------------------------------------------------------------------
/** The node label holding the zone. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
/** Most preferred first. */
export const PREFERRED_ZONES = ['zone-a', 'zone-b'];
// ---------------------------------------------------------------------------------------------

/**
 * 100 for the first preferred zone, then evenly less down to a floor above 0, so any preferred
 * zone beats an unlisted one: with 2 zones → [100, 50]; with 4 → [100, 75, 50, 25].
 */
export function zoneScore(zone: string | undefined, preferred: readonly string[] = PREFERRED_ZONES): number {
  const rank = zone === undefined ? -1 : preferred.indexOf(zone);
  if (rank < 0) return 0;
  return Math.round((MAX_NODE_SCORE * (preferred.length - rank)) / preferred.length);
}

export const PreferredZones: ScorePlugin = {
  name: 'PreferredZones',
  score(_state, _pod, nodeInfo) {
    return zoneScore(nodeInfo.node.metadata?.labels?.[ZONE_LABEL]);
  },
};

// `plugins`: added to the default profile (filters and default scorers stay).
export const plugins = [PreferredZones];
