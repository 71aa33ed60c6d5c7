import { describe, expect, it } from 'vitest';
import { saysNotFound } from '../../../lab/cluster/cluster-objects.js';

describe('saysNotFound', () => {
  it("reads kubectl's NotFound for a node that is gone, and nothing else", () => {
    expect(saysNotFound('Error from server (NotFound): nodes "lab-worker9" not found')).toBe(true);
    expect(saysNotFound('The connection to the server 127.0.0.1:6443 was refused')).toBe(false);
    expect(saysNotFound('Error from server (Forbidden): nodes "lab-worker" is forbidden')).toBe(false);
  });
});
