import { describe, expect, it } from 'vitest';
import { overheadNotes, summarizeOverhead } from '../../../lab/bench/overhead-summary.js';
import { abbaOrder } from '../../../lab/bench/paired.js';
import type { OverheadSample } from '../../../lab/bench/results.js';

/** Samples as traceOverhead records them: runs in ABBA order, `perRun` rollouts each. */
function samplesOf(pairs: number, perRun: number, value: (arm: 'A' | 'B', run: number, rollout: number) => Partial<OverheadSample>): OverheadSample[] {
  return abbaOrder(pairs).flatMap((arm, i) =>
    Array.from({ length: perRun }, (_, k) => ({ run: i + 1, arm, rollout: k + 1, ms: 1000, boundMs: 100, cpuSeconds: 1, ...value(arm, i + 1, k + 1) })),
  );
}

describe('summarizeOverhead', () => {
  it('pools every rollout of each arm: traced 10 % slower to Running, as slow to bound, 20 % more CPU', () => {
    const s = summarizeOverhead(samplesOf(4, 5, (arm, run, k) => ({ ms: (arm === 'B' ? 1100 : 1000) + run + k, cpuSeconds: arm === 'B' ? 1.2 : 1 })))!;
    expect(s.pairs).toBe(4);
    expect(s.rolloutsPerRun).toBe(5);
    expect(s.running.ratioOfMedians).toBeCloseTo(1.1, 1);
    expect(s.bound.ratioOfMedians).toBe(1);
    expect(s.cpu?.ratioOfMedians).toBeCloseTo(1.2);
    expect(s.running.pairRatios).toHaveLength(4);
  });

  it('leaves CPU out when any rollout could not read it', () => {
    const samples = samplesOf(2, 2, () => ({}));
    delete samples[3]!.cpuSeconds;
    expect(summarizeOverhead(samples)?.cpu).toBeUndefined();
  });

  it('is undefined without a traced and an untraced run', () => {
    expect(summarizeOverhead(samplesOf(1, 3, () => ({})).filter((s) => s.arm === 'A'))).toBeUndefined();
  });

  it('says what it measured in the notes', () => {
    const notes = overheadNotes(summarizeOverhead(samplesOf(2, 5, (arm) => ({ ms: arm === 'B' ? 1050 : 1000 })))!);
    expect(notes[0]).toContain('2 pairs of runs in ABBA order, 5 rollouts per run');
    expect(notes[1]).toContain('traced 1050 ms / untraced 1000 ms = 1.05×');
    expect(notes.some((n) => n.startsWith('machine CPU per rollout'))).toBe(true);
  });
});
