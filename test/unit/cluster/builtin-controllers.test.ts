import { describe, expect, it } from 'vitest';
import {
  controllersFlagOf, isControllerEnabled, rewriteControllersFlag, withControllersFlag,
} from '../../../lab/cluster/builtin-controllers.js';

describe('kube-controller-manager --controllers', () => {
  it.each([
    ['*', 'deployment-controller', true],
    ['*,bootstrapsigner,tokencleaner', 'replicaset-controller', true],
    ['*,-deployment-controller', 'deployment-controller', false],
    ['*,-deployment-controller', 'replicaset-controller', true],
    ['bootstrapsigner', 'deployment-controller', false],
    ['deployment-controller', 'deployment-controller', true],
    ['deployment-controller,-deployment-controller', 'deployment-controller', false],
  ])('%s → %s enabled: %s', (flag, name, enabled) => {
    expect(isControllerEnabled(flag, name)).toBe(enabled);
  });

  it('turns both off and back on without touching other entries', () => {
    const off = rewriteControllersFlag('*,bootstrapsigner,tokencleaner', false);
    expect(off).toBe('*,bootstrapsigner,tokencleaner,-deployment-controller,-replicaset-controller');
    expect(isControllerEnabled(off, 'deployment-controller')).toBe(false);
    expect(isControllerEnabled(off, 'replicaset-controller')).toBe(false);
    expect(isControllerEnabled(off, 'bootstrapsigner')).toBe(true);
    const on = rewriteControllersFlag(off, true);
    expect(on).toBe('*,bootstrapsigner,tokencleaner');
    expect(rewriteControllersFlag(off, false)).toBe(off); // idempotent
  });

  it('keeps * when the flag named controllers explicitly', () => {
    expect(rewriteControllersFlag('deployment-controller,replicaset-controller', false)).toBe('*,-deployment-controller,-replicaset-controller');
  });

  it('reads and replaces the flag in the static pod command', () => {
    const manifest = { spec: { containers: [{ command: ['kube-controller-manager', '--controllers=*,bootstrapsigner', '--v=2'] }] } };
    expect(controllersFlagOf(manifest)).toBe('*,bootstrapsigner');
    const updated = withControllersFlag(manifest, '*,-deployment-controller');
    expect(updated.spec.containers[0]?.command).toEqual(['kube-controller-manager', '--v=2', '--controllers=*,-deployment-controller']);
    expect(controllersFlagOf({ spec: { containers: [{ command: ['kube-controller-manager'] }] } })).toBe('*');
  });
});
