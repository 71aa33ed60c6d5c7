import { describe, expect, it } from 'vitest';
import { formatValue, renderResults, withRatios } from '../../../lab/bench/results.js';
import { renderTable } from '../../../lab/base/table.js';

describe('renderTable', () => {
  it('pads columns to the widest cell and right-aligns where asked', () => {
    const text = renderTable(['name', 'n'], [['a', '1'], ['longer', '100']], ['left', 'right']);
    expect(text.split('\n')).toEqual(['name      n', '------  ---', 'a         1', 'longer  100']);
  });
  it('prints missing cells as empty', () => {
    expect(renderTable(['a', 'b'], [['x']]).split('\n')[2]).toBe('x');
  });
});

describe('bench results', () => {
  it('computes lab / built-in ratios only where both sides exist', () => {
    const rows = withRatios([
      { id: 'a', title: 'A', unit: 'ms', lab: 300, builtin: 200, higherIsBetter: false },
      { id: 'b', title: 'B', unit: 'ms', lab: 300, higherIsBetter: false, error: 'timeout' },
    ]);
    expect(rows[0]!.ratio).toBe(1.5);
    expect('ratio' in rows[1]!).toBe(false);
  });

  it.each([
    [1500, 'ms', '1.50 s'],
    [12.345, 'pods/s', '12.3 pods/s'],
    [250.4, 'MiB', '250 MiB'],
    [41.6, 'count', '42'],
    [1.234, 'ratio', '1.23×'],
    [undefined, 'ms', 'n/a'],
  ] as const)('formatValue(%s, %s) = %s', (value, unit, expected) => expect(formatValue(value, unit)).toBe(expected));

  it('renders a row per measurement and lists notes and errors', () => {
    const text = renderResults({
      startedAt: '2025-01-01T00:00:00.000Z',
      runs: 3,
      measurements: withRatios([
        { id: 'rollout', title: '3-replica rollout to Running', unit: 'ms', lab: 4000, builtin: 2000, higherIsBetter: false, note: 'median of 3' },
        { id: 'bind', title: 'pods bound per second', unit: 'pods/s', lab: 50, builtin: 25, higherIsBetter: true },
        { id: 'rss', title: 'RSS', unit: 'MiB', lab: 120, higherIsBetter: false, error: 'no built-in equivalent' },
      ]),
    });
    expect(text).toContain('3-replica rollout to Running');
    expect(text).toMatch(/4\.00 s\s+2\.00 s\s+2\.00× \(built-in better\)/);
    expect(text).toMatch(/50\.0 pods\/s\s+25\.0 pods\/s\s+2\.00× \(lab better\)/);
    expect(text).toContain('rollout: median of 3');
    expect(text).toContain('rss: failed: no built-in equivalent');
  });
});
