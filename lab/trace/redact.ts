/**
 * Keeps secrets out of every trace output. The trace stores entries already redacted (the timeline
 * calls redactEntry on append) and every exporter calls it again, so no path can leak:
 * - Secret `data` / `stringData` values (keys are kept: they say what is there, not what it is);
 * - container `env[].value` (the name stays; `valueFrom` stays only as a reference: which
 *   Secret/ConfigMap key or field, never a resolved value);
 * - any audit request/response object about secrets, wholesale;
 * - kubectl's last-applied-configuration annotation, which is a full copy of the object.
 */
import type { TraceEntry } from './schema.js';

export const REDACTED = '[redacted]';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Json = unknown;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function isSecretKind(kind: unknown): boolean {
  return kind === 'Secret' || kind === 'SecretList';
}

/** Replace each value of a Secret data map by a marker, keeping the key names. */
function redactDataMap(data: unknown): unknown {
  if (!isRecord(data)) return data === undefined ? undefined : REDACTED;
  return Object.fromEntries(Object.keys(data).map((k) => [k, REDACTED]));
}

/** valueFrom reduced to what it points at. */
function referenceOnly(valueFrom: unknown): unknown {
  if (!isRecord(valueFrom)) return REDACTED;
  const out: Record<string, unknown> = {};
  for (const refKind of ['secretKeyRef', 'configMapKeyRef'] as const) {
    const ref = valueFrom[refKind];
    if (isRecord(ref)) out[refKind] = { name: ref.name, key: ref.key };
  }
  const fieldRef = valueFrom.fieldRef;
  if (isRecord(fieldRef)) out.fieldRef = { fieldPath: fieldRef.fieldPath };
  const resourceRef = valueFrom.resourceFieldRef;
  if (isRecord(resourceRef)) out.resourceFieldRef = { resource: resourceRef.resource, containerName: resourceRef.containerName };
  return out;
}

function redactEnvList(env: unknown[]): unknown[] {
  return env.map((item) => {
    if (!isRecord(item)) return REDACTED;
    const out: Record<string, unknown> = { name: item.name };
    if ('value' in item) out.value = REDACTED;
    if ('valueFrom' in item) out.valueFrom = referenceOnly(item.valueFrom);
    return out;
  });
}

function redactLastApplied(text: unknown): unknown {
  if (typeof text !== 'string') return REDACTED;
  try {
    return JSON.stringify(redactValue(JSON.parse(text), false));
  } catch {
    return REDACTED;
  }
}

/**
 * Deep-redact any JSON-like value. `insideSecret` is true below an object known to be (about) a
 * Secret, where every `data` / `stringData` map is masked whatever the nesting.
 */
export function redactValue(value: Json, insideSecret = false): Json {
  if (Array.isArray(value)) return value.map((v) => redactValue(v, insideSecret));
  if (!isRecord(value)) return value;

  const secretHere = insideSecret || isSecretKind(value.kind);
  const auditAboutSecrets = isRecord(value.objectRef) && value.objectRef.resource === 'secrets';
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (secretHere && (key === 'data' || key === 'stringData')) {
      out[key] = redactDataMap(child);
    } else if (auditAboutSecrets && (key === 'requestObject' || key === 'responseObject')) {
      out[key] = REDACTED;
    } else if (key === 'env' && Array.isArray(child)) {
      out[key] = redactEnvList(child);
    } else if (key === LAST_APPLIED) {
      out[key] = redactLastApplied(child);
    } else {
      out[key] = redactValue(child, secretHere);
    }
  }
  return out;
}

/** An entry with its details redacted; entries about Secrets mask any data map in their details. */
export function redactEntry(entry: TraceEntry): TraceEntry {
  const aboutSecret = entry.object.kind === 'Secret' || entry.object.kind === 'secrets';
  return { ...entry, details: redactValue(entry.details, aboutSecret) as Record<string, unknown> };
}
