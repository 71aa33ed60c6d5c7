/** asStatus / asResult: what the runtime makes of a plugin's return value at each extension point. */
import { describe, expect, it } from 'vitest';
import { asResult, asStatus, Code, Status } from '../../../controllers/scheduler/framework/status.js';
import type { PermitResult, PreFilterResult } from '../../../controllers/scheduler/framework/interfaces.js';

describe('asStatus', () => {
  it('nothing is success; a Status is itself', () => {
    expect(asStatus(undefined).isSuccess()).toBe(true);
    expect(asStatus(null).isSuccess()).toBe(true);
    const rejected = new Status(Code.Unschedulable, ['no']);
    expect(asStatus(rejected)).toBe(rejected);
  });
});

describe('asResult', () => {
  it('nothing: an empty result and success', () => {
    const { out, status } = asResult<PreFilterResult>(undefined);
    expect(out).toEqual({});
    expect(status.isSuccess()).toBe(true);
  });

  it('a bare Status: a result carrying it', () => {
    const skip = new Status(Code.Skip);
    const { out, status } = asResult<PreFilterResult>(skip);
    expect(out).toEqual({ status: skip });
    expect(status).toBe(skip);
  });

  it('a result object: kept whole; a missing status is success', () => {
    const nodeNames = new Set(['n1']);
    const { out, status } = asResult<PreFilterResult>({ nodeNames });
    expect(out.nodeNames).toBe(nodeNames);
    expect(status.isSuccess()).toBe(true);
    const waitFor = Promise.resolve(new Status(Code.Success));
    const permit = asResult<PermitResult>({ status: new Status(Code.Wait), waitFor, timeoutMs: 5 });
    expect(permit.status.code).toBe(Code.Wait);
    expect(permit.out).toMatchObject({ waitFor, timeoutMs: 5 });
  });
});
