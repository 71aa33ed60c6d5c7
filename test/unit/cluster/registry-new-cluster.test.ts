import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../lab/base/errors.js';
import { Progress } from '../../../lab/base/progress.js';
import { pointNewNodesAtRegistry } from '../../../lab/cluster/registry/new-cluster.js';
import { useTempLabDirs } from './registry-temp-dirs.js';

describe('pointNewNodesAtRegistry (lab up, after a cluster is created)', () => {
  useTempLabDirs('lab-registry-hook-');

  it('no lab registry and no LAB_REGISTRY_MIRROR: does nothing', async () => {
    expect(await pointNewNodesAtRegistry(new Progress(true), {})).toBeUndefined();
  });

  it('a LAB_REGISTRY_MIRROR that is not http://HOST:PORT is bad input, before any node is touched', async () => {
    const error = await pointNewNodesAtRegistry(new Progress(true), { LAB_REGISTRY_MIRROR: '192.168.1.10:5001' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).fix).toMatch(/LAB_REGISTRY_MIRROR=http:\/\//);
  });
});
