// Controllers report every decision they take (and why) so the lab's trace can show them next to
// the API calls they caused.
export interface Decision {
  component: string;
  object: { kind: string; namespace?: string; name: string; uid?: string };
  verb: string;
  reason: string;
  details?: Record<string, unknown>;
}

export type DecisionSink = (d: Decision) => void;

export const noopDecisionSink: DecisionSink = () => {};

/** A sink that remembers decisions, for tests and for the lab's summaries. */
export function recordingDecisionSink(): DecisionSink & { decisions: Decision[] } {
  const decisions: Decision[] = [];
  const sink = ((d: Decision) => {
    decisions.push(d);
  }) as DecisionSink & { decisions: Decision[] };
  sink.decisions = decisions;
  return sink;
}
