/**
 * Pure: what `lab nodes add|remove --simulated` accepts, checked before anything touches the
 * cluster. Every refusal is a BadInputError (exit code 2) that names the bad part and the expected form.
 */
import { BadInputError } from '../../base/errors.js';

/** Every simulated node's name starts with this; the number is zero-padded to four digits. */
export const SIMULATED_NODE_PREFIX = 'kwok-node-';
/** The label every simulated node carries (and `lab nodes` selects them by). */
export const SIMULATED_LABEL = { key: 'type', value: 'kwok' } as const;
/** The annotation kwok is told to manage nodes by (--manage-nodes-with-annotation-selector). */
export const KWOK_ANNOTATION = { key: 'kwok.x-k8s.io/node', value: 'fake' } as const;
export const ZONE_LABEL = 'topology.kubernetes.io/zone';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
}

export interface SimulatedNodeSpec {
  count: number;
  /** Quantities as Kubernetes writes them: '32', '500m'; '256Gi'; '110'. */
  cpu: string;
  memory: string;
  pods: string;
  zones: string[];
  labels: Record<string, string>;
  taints: Taint[];
}

export const DEFAULTS = { cpu: '32', memory: '256Gi', pods: '110' } as const;

export function simulatedNodeName(index: number): string {
  return `${SIMULATED_NODE_PREFIX}${String(index).padStart(4, '0')}`;
}

/** The number in a simulated node's name, or undefined for any other name. */
export function simulatedNodeIndex(name: string): number | undefined {
  const m = /^kwok-node-(\d{4,})$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

export function isSimulatedNodeName(name: string): boolean {
  return simulatedNodeIndex(name) !== undefined;
}

/** A count of nodes: a positive whole number written in digits. */
export function parseCount(text: string, flag = '--simulated'): number {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed) || !Number.isSafeInteger(Number(trimmed)) || Number(trimmed) === 0) {
    throw new BadInputError(`${flag} must be a positive whole number of nodes, not "${text}"`, `e.g. ${flag} 10`);
  }
  return Number(trimmed);
}

/** `remove --simulated N|all`. */
export function parseRemoveCount(text: string): number | 'all' {
  return text.trim() === 'all' ? 'all' : parseCount(text);
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Why `key` is not a valid label (or taint) key, or undefined when it is. */
export function labelKeyProblem(key: string): string | undefined {
  if (key === '') return 'the key is empty';
  const slash = key.indexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined) {
    if (prefix.length === 0 || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix)) return `the prefix "${prefix}" must be a DNS subdomain (lowercase letters, digits, '-' and '.', at most 253 characters)`;
  }
  if (name.length === 0 || name.length > 63 || !NAME_PART.test(name)) {
    return `the name "${name}" must be 1–63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

/** Why `value` is not a valid label value (empty is valid), or undefined when it is. */
export function labelValueProblem(value: string): string | undefined {
  if (value === '') return undefined;
  if (value.length > 63 || !NAME_PART.test(value)) return `the value "${value}" must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`;
  return undefined;
}

function items(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** Labels the lab sets itself; --labels may not set them (--zones sets the zone). */
const RESERVED_LABELS = new Set<string>([SIMULATED_LABEL.key, ZONE_LABEL, HOSTNAME_LABEL]);

/** `--labels k=v,k2=v2` → { k: 'v', k2: 'v2' }. */
export function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const parts = items(text);
  if (parts.length === 0) throw new BadInputError(`--labels is empty`, 'give key=value pairs separated by commas, e.g. --labels disk=ssd,team=a');
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq < 0) throw new BadInputError(`--labels: "${part}" is not key=value`, 'e.g. --labels disk=ssd,team=a');
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    const problem = labelKeyProblem(key) ?? labelValueProblem(value);
    if (problem) throw new BadInputError(`--labels: "${part}": ${problem}`, 'e.g. --labels disk=ssd,example.com/team=a');
    if (RESERVED_LABELS.has(key)) {
      throw new BadInputError(`--labels: "${key}" is set by the lab`, key === ZONE_LABEL ? 'use --zones a,b,c for the zone label' : `every simulated node gets ${SIMULATED_LABEL.key}=${SIMULATED_LABEL.value} and ${HOSTNAME_LABEL}=<its name>`);
    }
    if (key in labels && labels[key] !== value) throw new BadInputError(`--labels: "${key}" is given twice with different values`);
    labels[key] = value;
  }
  return labels;
}

const EFFECTS: readonly TaintEffect[] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** `--taints k=v:NoSchedule,k2:NoExecute` (kubectl taint's form) → taints. */
export function parseTaints(text: string): Taint[] {
  const parts = items(text);
  if (parts.length === 0) throw new BadInputError('--taints is empty', 'e.g. --taints kwok.x-k8s.io/node=fake:NoSchedule');
  const taints: Taint[] = [];
  for (const part of parts) {
    const colon = part.lastIndexOf(':');
    if (colon < 0) throw new BadInputError(`--taints: "${part}" has no effect`, `write key[=value]:effect, the effect one of ${EFFECTS.join(', ')}`);
    const effect = part.slice(colon + 1);
    if (!(EFFECTS as readonly string[]).includes(effect)) {
      throw new BadInputError(`--taints: "${part}": the effect "${effect}" is not one of ${EFFECTS.join(', ')}`, 'e.g. --taints dedicated=bench:NoSchedule');
    }
    const keyValue = part.slice(0, colon);
    const eq = keyValue.indexOf('=');
    const key = eq >= 0 ? keyValue.slice(0, eq) : keyValue;
    const value = eq >= 0 ? keyValue.slice(eq + 1) : undefined;
    const problem = labelKeyProblem(key) ?? (value !== undefined ? labelValueProblem(value) : undefined);
    if (problem) throw new BadInputError(`--taints: "${part}": ${problem}`, 'e.g. --taints dedicated=bench:NoSchedule');
    if (taints.some((t) => t.key === key && t.effect === effect)) throw new BadInputError(`--taints: "${key}" with effect ${effect} is given twice`);
    taints.push({ key, ...(value !== undefined && value !== '' ? { value } : {}), effect: effect as TaintEffect });
  }
  return taints;
}

/** `--zones a,b,c` → ['a', 'b', 'c']: label values, each once. */
export function parseZones(text: string): string[] {
  const zones = items(text);
  if (zones.length === 0) throw new BadInputError('--zones is empty', 'e.g. --zones zone-a,zone-b,zone-c');
  for (const zone of zones) {
    const problem = labelValueProblem(zone);
    if (problem) throw new BadInputError(`--zones: ${problem}`, 'e.g. --zones zone-a,zone-b,zone-c');
  }
  const twice = zones.find((z, i) => zones.indexOf(z) !== i);
  if (twice) throw new BadInputError(`--zones: "${twice}" is given twice`, 'name each zone once; nodes are spread over them round-robin');
  return zones;
}

const BINARY: Record<string, number> = { '': 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** A node capacity: cpu in cores or millicores, memory in bytes with a suffix, pods a whole number. Returns Kubernetes' spelling. */
export function parseCapacity(resource: 'cpu' | 'memory' | 'pods', text: string): string {
  const value = text.trim();
  const refuse = (expected: string): never => {
    throw new BadInputError(`--${resource} must be ${expected}, not "${text}"`, `e.g. --${resource} ${DEFAULTS[resource]}`);
  };
  if (resource === 'cpu') {
    const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(value);
    if (!m) return refuse('a positive number of cores (e.g. 32, 0.5) or millicores (e.g. 500m)');
    const cores = Number(m[1]) / (m[2] ? 1000 : 1);
    if (!(cores >= 0.001)) return refuse('at least 1m');
    return value;
  }
  if (resource === 'memory') {
    const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(value);
    if (!m) return refuse('a positive amount of memory (e.g. 256Gi, 512Mi, 64G)');
    if (Number(m[1]) * BINARY[m[2] ?? '']! < 1) return refuse('at least 1 byte');
    return value;
  }
  if (!/^\d+$/.test(value) || Number(value) === 0 || !Number.isSafeInteger(Number(value))) return refuse('a positive whole number of pods');
  return value;
}

export interface RawAddOptions {
  simulated?: string;
  cpu?: string;
  memory?: string;
  pods?: string;
  zones?: string;
  labels?: string;
  taints?: string;
}

/** Every option of `lab nodes add`, checked; the first bad one is refused. */
export function parseAddOptions(raw: RawAddOptions): SimulatedNodeSpec {
  if (raw.simulated === undefined) throw new BadInputError('say how many simulated nodes to add: --simulated N', 'e.g. npx lab nodes add --simulated 10');
  return {
    count: parseCount(raw.simulated),
    cpu: parseCapacity('cpu', raw.cpu ?? DEFAULTS.cpu),
    memory: parseCapacity('memory', raw.memory ?? DEFAULTS.memory),
    pods: parseCapacity('pods', raw.pods ?? DEFAULTS.pods),
    zones: raw.zones === undefined ? [] : parseZones(raw.zones),
    labels: raw.labels === undefined ? {} : parseLabels(raw.labels),
    taints: raw.taints === undefined ? [] : parseTaints(raw.taints),
  };
}
