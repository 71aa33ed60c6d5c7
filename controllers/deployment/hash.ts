// pod-template-hash: the label value that ties a ReplicaSet to one version of a Deployment's
// pod template.
//
// Upstream (controller.ComputeHash) feeds FNV-32a with a go-spew dump of the PodTemplateSpec,
// appends collisionCount as 8 little-endian bytes when it is set, and renders the decimal
// uint32 through rand.SafeEncodeString. A spew dump of Go structs cannot be reproduced in
// TypeScript, so we hash a canonical (key-sorted) JSON of the template instead: the value is
// stable and collision-bumpable like upstream's, but it never equals the hash the built-in
// controller would compute. That is harmless because a Deployment finds its ReplicaSets by
// template equality (templates.ts), never by recomputing the hash.
import type { V1PodTemplateSpec } from '@kubernetes/client-node';

/** Alphabet of k8s.io/apimachinery/pkg/util/rand: no vowels, no 0/1/3, so no words or look-alikes. */
export const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

const FNV32_OFFSET_BASIS = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** FNV-1a, 32 bit, continuing from `seed` so bytes can be fed in several chunks. */
export function fnv32a(bytes: Uint8Array, seed: number = FNV32_OFFSET_BASIS): number {
  let hash = seed >>> 0;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, FNV32_PRIME) >>> 0;
  }
  return hash >>> 0;
}

/** Maps every character onto SAFE_ALPHANUMS by its code point modulo 27, like rand.SafeEncodeString. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const ch of s) out += SAFE_ALPHANUMS[ch.codePointAt(0)! % SAFE_ALPHANUMS.length];
  return out;
}

/** JSON with object keys sorted and Dates as ISO strings, so equal templates give equal bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalize(value));
}

function canonicalize(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonicalize(v)));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonicalize(v);
    }
    return out;
  }
  return value;
}

export function computePodTemplateHash(template: V1PodTemplateSpec, collisionCount?: number | null): string {
  let hash = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    // Same byte layout as upstream: uint32 little-endian in an 8-byte buffer.
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(bytes, hash);
  }
  return safeEncodeString(String(hash));
}
