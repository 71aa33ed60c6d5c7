/**
 * etcdTap: every change etcd stored under /registry/, from `etcdctl watch -i -w json` run in the
 * control-plane container. Values are protobuf and are never decoded: the key names the object
 * and mod_revision is the object's resourceVersion, which ties the etcd write to the API request
 * and the watch events it caused.
 *
 * Events and leases change all the time (every kubelet renews its lease every 10 s, every Event is
 * a write) and are not traced, so they are left out at the source: etcd watches key ranges, and
 * the interactive mode takes one `watch KEY RANGE_END` per range around them. Their values then
 * never cross etcd → etcdctl → dockerd → the lab, which is most of what this tap used to carry.
 *
 * The exception is the lab's own namespace, where each component's leader-election Lease lives:
 * those are watched, their values decoded (lease-value.ts), and only the writes that change who
 * leads are kept (created, acquired, released, deleted); a renewal every 2 s tells nothing new.
 */
import { CLUSTER_SCOPED_RESOURCES, kindOfResource } from '../kinds.js';
import type { ObjectRef, TraceInput } from '../schema.js';
import { readingStdin, STOP_ON_STDIN_EOF } from './in-node.js';
import { decodeLeaseValue } from './lease-value.js';
import { SupervisedProcess } from './supervised-process.js';
import type { TapOptions, TraceTap } from './types.js';

const SKIPPED_BY_DEFAULT = ['events', 'leases', 'masterleases'];
/** The lab's namespace (LAB_NAMESPACE in lab/run/components.ts, which lab/trace may not import; a unit test keeps them equal). */
export const LEASE_NAMESPACES_TRACED = ['k8s-flow-lab'];

/** '/registry/pods/default/web-1' → Pod default/web-1; '/registry/minions/kind-worker' → Node kind-worker. */
export function objectOfEtcdKey(key: string): (ObjectRef & { resource: string }) | undefined {
  if (!key.startsWith('/registry/')) return undefined;
  let parts = key.slice('/registry/'.length).split('/').filter(Boolean);
  if (parts.length >= 2 && parts[0]!.includes('.')) parts = parts.slice(1); // API group prefix (CRDs, apiregistration...)
  if (parts[0] === 'services' && (parts[1] === 'specs' || parts[1] === 'endpoints')) {
    parts = [parts[1] === 'specs' ? 'services' : 'endpoints', ...parts.slice(2)];
  }
  const [resource, ...rest] = parts;
  if (!resource || rest.length === 0) return undefined;
  const name = rest[rest.length - 1]!;
  const ref: ObjectRef & { resource: string } = { resource, kind: kindOfResource(resource), name };
  if (rest.length >= 2 && !CLUSTER_SCOPED_RESOURCES.has(resource)) ref.namespace = rest[rest.length - 2]!;
  return ref;
}

// Revisions are decimal strings: quoteRevisions turns etcdctl's int64 numbers into JSON strings.
interface EtcdWatchJson {
  Header?: { revision?: string };
  Events?: Array<{
    type?: number | string; // absent (0) = PUT, 1 = DELETE
    kv?: { key?: string; create_revision?: string; mod_revision?: string; version?: number; value?: string };
  }>;
}

const REVISION_MEMBER = /"(revision|create_revision|mod_revision)"\s*:\s*(-?\d+)/g;

/**
 * etcd revisions are int64 and JSON.parse would round those past 2^53, so they are quoted
 * first. Keys and values are base64, which has no quotes, so only member names can match.
 */
function quoteRevisions(line: string): string {
  return line.replace(REVISION_MEMBER, '"$1":"$2"');
}

export interface EtcdParseOptions {
  /** Resources to skip (default events, leases, masterleases: they change all the time). */
  skipResources?: string[];
  /** Namespaces whose Lease writes are kept when they change the holder (default: the lab's). */
  leaseNamespaces?: string[];
}

type LeaseWrite = 'created' | 'acquired' | 'released' | 'deleted';

/**
 * Pure: which leader-election change a Lease write is, or undefined for a renewal (or a value that
 * cannot be read, which is not guessed at). The rule is the audit tap's: an acquisition writes
 * acquireTime equal to renewTime, a release empties the holder.
 */
export function classifyLeaseWrite(
  isDelete: boolean,
  created: boolean,
  value: string | undefined,
): { write: LeaseWrite; holder?: string; leaseTransitions?: number } | undefined {
  if (isDelete) return { write: 'deleted' };
  const facts = value ? decodeLeaseValue(Buffer.from(value, 'base64')) : undefined;
  if (!facts) return undefined;
  const { holder, leaseTransitions } = facts;
  if (created) return { write: 'created', holder, leaseTransitions };
  if (holder === '') return { write: 'released', holder, leaseTransitions };
  if (facts.acquiredNow) return { write: 'acquired', holder, leaseTransitions };
  return undefined;
}

/** Pure: one line of etcdctl's JSON watch output → timeline inputs. Throws on non-JSON. */
export function parseEtcdWatchLine(line: string, opts: EtcdParseOptions = {}): TraceInput[] {
  const msg = JSON.parse(quoteRevisions(line)) as EtcdWatchJson;
  const skip = new Set(opts.skipResources ?? SKIPPED_BY_DEFAULT);
  const leaseNamespaces = new Set(opts.leaseNamespaces ?? LEASE_NAMESPACES_TRACED);
  const inputs: TraceInput[] = [];
  for (const ev of msg.Events ?? []) {
    const kv = ev.kv;
    if (!kv?.key) continue;
    const key = Buffer.from(kv.key, 'base64').toString('utf8');
    const obj = objectOfEtcdKey(key);
    if (!obj) continue;
    const tracedLease = obj.resource === 'leases' && obj.namespace !== undefined && leaseNamespaces.has(obj.namespace);
    if (skip.has(obj.resource) && !tracedLease) continue;
    const isDelete = ev.type === 1 || ev.type === 'DELETE';
    const created = !isDelete && kv.create_revision !== undefined && kv.create_revision === kv.mod_revision;
    const { resource: _resource, ...object } = obj;
    const details: Record<string, unknown> = { key };
    if (tracedLease) {
      const change = classifyLeaseWrite(isDelete, created, kv.value);
      if (!change) continue;
      details.lease = change.write;
      if (change.holder !== undefined) details.holder = change.holder || '(released)';
      if (change.leaseTransitions !== undefined) details.leaseTransitions = change.leaseTransitions;
    }
    if (!isDelete) {
      details.created = created;
      if (kv.version !== undefined) details.version = kv.version;
    }
    const input: TraceInput = { tap: 'etcd', actor: 'etcd', verb: isDelete ? 'DELETE' : 'PUT', object, details };
    const revision = kv.mod_revision ?? msg.Header?.revision;
    if (revision !== undefined) input.resourceVersion = revision;
    inputs.push(input);
  }
  return inputs;
}

const REGISTRY = '/registry/';

/** The first key after every key that starts with `prefix` (etcd's "prefix end"): '/a/' → '/a0'. */
export function prefixEnd(prefix: string): string {
  if (prefix === '') throw new RangeError('an empty prefix has no end');
  const last = prefix.charCodeAt(prefix.length - 1);
  if (last >= 0x7f) throw new RangeError(`prefix ${JSON.stringify(prefix)} must end in an ASCII character below DEL`);
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

/**
 * Pure: the key ranges [start, end) that cover `prefix` except the resources in `skip`
 * ('/registry/events/…' and so on), in key order. etcd compares keys as bytes; the keys here are
 * ASCII, so string order is byte order.
 */
export function watchRangesExcluding(prefix: string, skip: readonly string[]): Array<[string, string]> {
  const holes = [...new Set(skip)]
    .map((resource) => [`${prefix}${resource}/`, prefixEnd(`${prefix}${resource}/`)] as [string, string])
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const ranges: Array<[string, string]> = [];
  let from = prefix;
  for (const [holeStart, holeEnd] of holes) {
    if (holeStart > from) ranges.push([from, holeStart]);
    if (holeEnd > from) from = holeEnd;
  }
  const end = prefixEnd(prefix);
  if (from < end) ranges.push([from, end]);
  return ranges;
}

/**
 * The interactive watch commands for etcdctl's stdin, one range per line: everything but the
 * skipped resources, and back inside the leases hole, the traced namespaces' Leases.
 */
export function etcdctlWatchCommands(skip: readonly string[] = SKIPPED_BY_DEFAULT, leaseNamespaces: readonly string[] = LEASE_NAMESPACES_TRACED): string {
  const ranges = watchRangesExcluding(REGISTRY, skip);
  if (skip.includes('leases')) {
    for (const namespace of leaseNamespaces) {
      const prefix = `${REGISTRY}leases/${namespace}/`;
      ranges.push([prefix, prefixEnd(prefix)]);
    }
  }
  return ranges.map(([start, end]) => `watch ${start} ${end}\n`).join('');
}

/**
 * Where etcdctl runs: on the node where it is installed (the node image built here), else inside
 * the etcd container itself (kind's own node image has no etcdctl, but the etcd image has), through
 * ctr, which both node images have. There it watches the whole /registry/ prefix (the skipped
 * resources are dropped by parseEtcdWatchLine) and is stopped when our stdin closes, as in-node.ts
 * does for the other taps: ctr passes the TERM on to etcdctl.
 */
export const ETCDCTL_WHERE_IT_IS =
  'if command -v etcdctl >/dev/null 2>&1; then exec etcdctl "$@" watch --interactive -w json; fi; ' +
  'running=" $(ctr -n k8s.io tasks ls | awk \'$3=="RUNNING"{print $1}\' | tr "\\n" " ")"; ' +
  'for c in $(ctr -n k8s.io containers ls -q \'labels."io.kubernetes.container.name"==etcd\'); do ' +
  'case "$running" in *" $c "*) ' +
  'set -- ctr -n k8s.io tasks exec --exec-id "lab-etcd-watch-$$" "$c" etcdctl "$@" watch --prefix /registry/ -w json; ' +
  STOP_ON_STDIN_EOF +
  ';; esac; done; echo "etcd tap: no etcdctl on this node and no running etcd container" >&2; exit 127';

/**
 * `docker exec -i CONTROL_PLANE sh -c … etcdctl … watch`: interactive (the ranges come on stdin) where
 * the node has etcdctl, else in the etcd container; it ends when its stdin closes either way. The
 * healthcheck client certificate is under /etc/kubernetes/pki/etcd, which the etcd container mounts too.
 */
export function etcdctlWatchArgs(controlPlane: string): string[] {
  return readingStdin(controlPlane, [
    'sh', '-c', ETCDCTL_WHERE_IT_IS, 'sh',
    // etcdctl 3.6 speaks v3 only and warns about ETCDCTL_API, so it is not set
    '--endpoints=https://127.0.0.1:2379',
    '--cacert=/etc/kubernetes/pki/etcd/ca.crt',
    '--cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt',
    '--key=/etc/kubernetes/pki/etcd/healthcheck-client.key',
  ]);
}

export class EtcdTap implements TraceTap {
  readonly name = 'etcd';
  private readonly process: SupervisedProcess;
  badLines = 0;

  constructor(opts: Pick<TapOptions, 'controlPlane' | 'timeline' | 'log'> & EtcdParseOptions & { docker?: string }) {
    this.process = new SupervisedProcess({
      command: opts.docker ?? 'docker',
      args: etcdctlWatchArgs(opts.controlPlane),
      stdinOnStart: etcdctlWatchCommands(opts.skipResources ?? SKIPPED_BY_DEFAULT, opts.leaseNamespaces ?? LEASE_NAMESPACES_TRACED),
      onLine: (line) => {
        try {
          for (const input of parseEtcdWatchLine(line, opts)) opts.timeline.append(input);
        } catch {
          this.badLines++;
        }
      },
      onStderr: (line) => opts.log?.(`etcd tap: ${line}`),
      onExit: (code) => opts.log?.(`etcd tap: etcdctl exited (${code})`),
    });
  }

  async start(): Promise<void> {
    this.process.start();
  }

  stop(): Promise<void> {
    return this.process.stop();
  }
}
