import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../lab/base/errors.js';
import {
  isSimulatedNodeName, labelKeyProblem, labelValueProblem, parseAddOptions, parseCapacity, parseCount, parseLabels, parseRemoveCount, parseTaints, parseZones,
  simulatedNodeIndex, simulatedNodeName,
} from '../../../lab/cluster/simulated-nodes/options.js';

/** The error a parse throws: always a BadInputError (exit code 2). */
function refusal(parse: () => unknown): BadInputError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).exitCode).toBe(2);
    return error as BadInputError;
  }
  throw new Error('expected a refusal');
}

describe('node names', () => {
  it('zero-pads to four digits and reads the number back', () => {
    expect(simulatedNodeName(1)).toBe('kwok-node-0001');
    expect(simulatedNodeName(42)).toBe('kwok-node-0042');
    expect(simulatedNodeName(12345)).toBe('kwok-node-12345');
    expect(simulatedNodeIndex('kwok-node-0042')).toBe(42);
    expect(simulatedNodeIndex('kwok-node-12345')).toBe(12345);
  });

  it('other names are not simulated ones', () => {
    for (const name of ['lab-worker', 'lab-control-plane', 'kwok-node-1', 'kwok-node-00a1', 'x-kwok-node-0001', 'kwok-node-0001-extra']) {
      expect(isSimulatedNodeName(name), name).toBe(false);
    }
  });
});

describe('parseCount', () => {
  it('takes positive whole numbers written in digits', () => {
    expect(parseCount('1')).toBe(1);
    expect(parseCount('100')).toBe(100);
    expect(parseCount(' 7 ')).toBe(7);
  });

  it.each(['0', '-1', '1.5', '1e3', 'ten', '', '0x10', '99999999999999999999'])('refuses %j and says the form', (text) => {
    const error = refusal(() => parseCount(text));
    expect(error.message).toContain('--simulated must be a positive whole number');
    expect(error.fix).toContain('--simulated 10');
  });

  it('remove takes a count or all', () => {
    expect(parseRemoveCount('all')).toBe('all');
    expect(parseRemoveCount('3')).toBe(3);
    refusal(() => parseRemoveCount('everything'));
    refusal(() => parseRemoveCount('0'));
  });
});

describe('label keys and values', () => {
  it.each(['disk', 'team.a', 'example.com/team', 'a_b', 'A-1'])('accepts key %j', (key) => expect(labelKeyProblem(key)).toBeUndefined());
  it.each(['', '-a', 'a-', 'Example.com/x', '/x', 'a/', 'x'.repeat(64), 'a b', 'a/b/c'])('refuses key %j', (key) => expect(labelKeyProblem(key)).toBeDefined());
  it.each(['', 'ssd', 'v1.2', 'A_b-c'])('accepts value %j', (value) => expect(labelValueProblem(value)).toBeUndefined());
  it.each(['-x', 'x.', 'a b', 'x'.repeat(64), 'a/b'])('refuses value %j', (value) => expect(labelValueProblem(value)).toBeDefined());
});

describe('parseLabels', () => {
  it('reads k=v pairs, spaces and empty items ignored', () => {
    expect(parseLabels('disk=ssd, team=a,,example.com/tier=')).toEqual({ disk: 'ssd', team: 'a', 'example.com/tier': '' });
  });

  it('a value may hold no = but the first = splits', () => {
    expect(() => parseLabels('a=b=c')).toThrow(/value "b=c"/);
  });

  it.each([
    ['', /empty/],
    ['disk', /not key=value/],
    ['-bad=x', /name "-bad"/],
    ['disk=has space', /value "has space"/],
    ['type=real', /set by the lab/],
    ['topology.kubernetes.io/zone=a', /set by the lab/],
    ['kubernetes.io/hostname=x', /set by the lab/],
    ['a=1,a=2', /given twice/],
  ])('refuses %j', (text, message) => {
    expect(refusal(() => parseLabels(text)).message).toMatch(message);
  });

  it('the zone label points at --zones', () => {
    expect(refusal(() => parseLabels('topology.kubernetes.io/zone=a')).fix).toContain('--zones');
  });

  it('the same pair twice is one label', () => {
    expect(parseLabels('a=1,a=1')).toEqual({ a: '1' });
  });
});

describe('parseTaints', () => {
  it('reads kubectl taint\'s forms', () => {
    expect(parseTaints('kwok.x-k8s.io/node=fake:NoSchedule')).toEqual([{ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' }]);
    expect(parseTaints('dedicated:NoExecute, gpu=true:PreferNoSchedule')).toEqual([
      { key: 'dedicated', effect: 'NoExecute' },
      { key: 'gpu', value: 'true', effect: 'PreferNoSchedule' },
    ]);
    expect(parseTaints('a=:NoSchedule')).toEqual([{ key: 'a', effect: 'NoSchedule' }]);
  });

  it('the same key may carry two effects', () => {
    expect(parseTaints('a=1:NoSchedule,a=1:NoExecute')).toHaveLength(2);
  });

  it.each([
    ['', /empty/],
    ['a=b', /no effect/],
    ['a=b:NoSchedul', /effect "NoSchedul"/],
    ['a=b:noschedule', /effect "noschedule"/],
    [':NoSchedule', /key is empty/],
    ['a b=c:NoSchedule', /name "a b"/],
    ['a=b c:NoSchedule', /value "b c"/],
    ['a:NoSchedule,a=x:NoSchedule', /given twice/],
  ])('refuses %j', (text, message) => {
    expect(refusal(() => parseTaints(text)).message).toMatch(message);
  });
});

describe('parseZones', () => {
  it('reads a list', () => {
    expect(parseZones('a,b,c')).toEqual(['a', 'b', 'c']);
    expect(parseZones(' zone-a , zone-b ')).toEqual(['zone-a', 'zone-b']);
  });

  it.each([['', /empty/], [',', /empty/], ['a,a', /"a" is given twice/], ['a,b c', /value "b c"/], ['-a', /value "-a"/]])('refuses %j', (text, message) => {
    expect(refusal(() => parseZones(text)).message).toMatch(message);
  });
});

describe('parseCapacity', () => {
  it.each([
    ['cpu', '32'], ['cpu', '0.5'], ['cpu', '500m'], ['cpu', '1m'],
    ['memory', '256Gi'], ['memory', '512Mi'], ['memory', '64G'], ['memory', '1000'], ['memory', '1.5Ti'],
    ['pods', '110'], ['pods', '1'],
  ] as const)('%s %s is accepted as written', (resource, text) => {
    expect(parseCapacity(resource, text)).toBe(text);
  });

  it.each([
    ['cpu', '0'], ['cpu', '0m'], ['cpu', '0.0001'], ['cpu', '-1'], ['cpu', '2 cores'], ['cpu', '1Gi'],
    ['memory', '0Gi'], ['memory', '256GB'], ['memory', 'lots'], ['memory', '-1Gi'], ['memory', '1gi'],
    ['pods', '0'], ['pods', '1.5'], ['pods', '10k'],
  ] as const)('%s %s is refused with an example', (resource, text) => {
    const error = refusal(() => parseCapacity(resource, text));
    expect(error.message).toContain(`--${resource} must be`);
    expect(error.fix).toMatch(new RegExp(`--${resource} \\S+`));
  });
});

describe('parseAddOptions', () => {
  it('fills in the defaults', () => {
    expect(parseAddOptions({ simulated: '3' })).toEqual({ count: 3, cpu: '32', memory: '256Gi', pods: '110', zones: [], labels: {}, taints: [] });
  });

  it('takes every option', () => {
    expect(parseAddOptions({ simulated: '6', cpu: '8', memory: '32Gi', pods: '50', zones: 'a,b', labels: 'disk=ssd', taints: 'x=y:NoSchedule' })).toEqual({
      count: 6, cpu: '8', memory: '32Gi', pods: '50', zones: ['a', 'b'], labels: { disk: 'ssd' }, taints: [{ key: 'x', value: 'y', effect: 'NoSchedule' }],
    });
  });

  it('needs --simulated, and refuses the first bad option', () => {
    expect(refusal(() => parseAddOptions({})).message).toContain('--simulated N');
    expect(refusal(() => parseAddOptions({ simulated: '3', memory: 'big' })).message).toContain('--memory');
    expect(refusal(() => parseAddOptions({ simulated: '3', zones: 'a,a' })).message).toContain('--zones');
  });
});
