/**
 * What a Lease stored in etcd says, read from its protobuf value without a schema.
 *
 * The API server stores objects as `k8s\0` + a runtime.Unknown message (field 2, `raw`, holds the
 * object). A coordination.k8s.io/v1 Lease is `{ metadata = 1; spec = 2 }` and its LeaseSpec is
 * `{ holderIdentity = 1; leaseDurationSeconds = 2; acquireTime = 3; renewTime = 4;
 * leaseTransitions = 5 }` (k8s.io/api coordination/v1 generated.proto). Only those fields are read;
 * protobufjs's Reader does the wire format.
 */
import protobuf from 'protobufjs/minimal.js';

const STORAGE_MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"
const LENGTH_DELIMITED = 2;
const VARINT = 0;

export interface LeaseFacts {
  holder: string;
  leaseTransitions: number;
  /** acquireTime equals renewTime: the write that started this holder's term (or a release). */
  acquiredNow: boolean;
}

type FieldVisitor = (field: number, wireType: number, reader: protobuf.Reader) => boolean;

/** Walk one message's fields; the visitor returns true when it consumed the field's value. */
function eachField(bytes: Uint8Array, visit: FieldVisitor): void {
  const reader = protobuf.Reader.create(bytes);
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (!visit(field, wireType, reader)) reader.skipType(wireType);
  }
}

function lengthDelimitedField(bytes: Uint8Array, wanted: number): Uint8Array | undefined {
  let found: Uint8Array | undefined;
  eachField(bytes, (field, wireType, reader) => {
    if (field !== wanted || wireType !== LENGTH_DELIMITED) return false;
    found = reader.bytes();
    return true;
  });
  return found;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/**
 * Pure: the holder, transitions and whether this write began a term, from a Lease's etcd value.
 * Undefined when the value is not a protobuf-stored object (a JSON value, or garbage).
 */
export function decodeLeaseValue(value: Uint8Array): LeaseFacts | undefined {
  if (value.length < STORAGE_MAGIC.length || STORAGE_MAGIC.some((byte, i) => value[i] !== byte)) return undefined;
  try {
    const lease = lengthDelimitedField(value.subarray(STORAGE_MAGIC.length), 2);
    if (!lease) return undefined;
    const spec = lengthDelimitedField(lease, 2) ?? new Uint8Array();
    let holder = '';
    let leaseTransitions = 0;
    let acquireTime: Uint8Array | undefined;
    let renewTime: Uint8Array | undefined;
    eachField(spec, (field, wireType, reader) => {
      if (field === 1 && wireType === LENGTH_DELIMITED) holder = reader.string();
      else if (field === 3 && wireType === LENGTH_DELIMITED) acquireTime = reader.bytes();
      else if (field === 4 && wireType === LENGTH_DELIMITED) renewTime = reader.bytes();
      else if (field === 5 && wireType === VARINT) leaseTransitions = reader.int32();
      else return false;
      return true;
    });
    return { holder, leaseTransitions, acquiredNow: acquireTime !== undefined && sameBytes(acquireTime, renewTime) };
  } catch {
    return undefined; // truncated or not a Lease: the caller keeps the key-only entry rules
  }
}
