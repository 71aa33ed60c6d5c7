/**
 * spread.ts — prefer the node that runs the FEWEST pods.
 *
 * The smallest useful plugin: one Score method. It exports `plugins`, so it JOINS the default
 * profile: the default filters still decide which nodes can run the pod (taints, resources,
 * node selectors ...), the default scorers still vote, and this plugin adds its vote (weight 1;
 * raise it with a --scheduler-config file: `plugins: { score: { weights: { FewestPods: 5 } } }`).
 *
 * Run it:   npx lab run --only scheduler --scheduler examples/schedulers/spread.ts
 * Then:     kubectl create deployment web --image=nginx --replicas=6
 *           kubectl patch deployment web -p '{"spec":{"template":{"spec":{"schedulerName":"lab-scheduler"}}}}'
 * and watch the pods alternate between the workers (npx lab trace shows each node's score).
 */
import { defaultNormalizeScore, type NodeInfo, type ScorePlugin } from '../../controllers/scheduler/framework/index.js';

export const FewestPods: ScorePlugin = {
  // The name appears in the trace, in FailedScheduling messages and in config files.
  name: 'FewestPods',

  /**
   * Score is called once per node that passed every filter. Return any number; here the raw
   * score is simply the pod count, which is "bigger is worse". nodeInfo.pods also holds pods the
   * scheduler has only *assumed* onto the node (decided, binding not yet seen): counting them is
   * what stops a burst of pods from all landing on the same "emptiest" node.
   */
  score(_state, _pod, nodeInfo: NodeInfo) {
    return nodeInfo.pods.length;
  },

  /**
   * After all nodes are scored, NormalizeScore must bring every score into 0..100 (the runtime
   * rejects anything else with an Error status naming this plugin). defaultNormalizeScore scales
   * the highest count to 100; `reverse = true` flips it so the FEWEST pods get 100.
   *   pods: [2, 4, 0] → scaled [50, 100, 0] → reversed [50, 0, 100]
   */
  scoreExtensions: {
    normalizeScore(_state, _pod, scores) {
      defaultNormalizeScore(scores, true);
    },
  },
};

export const plugins = [FewestPods];
