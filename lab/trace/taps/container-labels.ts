/**
 * Container id → pod, asked of one long-lived shell per node. A `docker exec` per lookup cost
 * about 180 ms of CPU on a 2-core machine (dockerd, containerd and runc all take part), six of
 * them in a 3-replica rollout, at the very moment the kubelets start those containers.
 *
 * Two sources, cheapest first:
 * - the OCI annotations the CRI plugin writes into the task's bundle (`config.json` under
 *   containerd's task directory): sandbox name, namespace and uid, container name and type. It
 *   exists from the task's create to its delete, and a `grep` of it costs about 1 ms;
 * - `ctr containers info`, the labels of the container record, for ids with no task (created
 *   but not started, or exited): a Go program and a gRPC call, about 25 ms of CPU.
 *
 * The shell reads ids on stdin and answers one line per id: "<id> oci <"key":"value" ...>",
 * "<id> ctr <info JSON>" (its newlines removed; JSON strings cannot hold raw newlines, so that is
 * lossless), or "<id> ctr " when the container is gone. Answers are matched by id, so a lost or
 * late answer cannot shift the others. It ends when its stdin closes.
 *
 * Questions wait `batchMs` (2 s) and go together: a pod's sandbox and containers start within a
 * second or two, on a node whose CPU the kubelet and containerd need right then. Asked a moment
 * later, the tap stays off the path it observes (a node's containerd entries reach the timeline
 * that much later, stamped with containerd's own times, so their order is unchanged); by then most
 * ids have a task, so most answers come from `grep`.
 */
import { readingStdin } from './in-node.js';
import { SupervisedProcess } from './supervised-process.js';

/** Where containerd 1.6+ keeps each running task's bundle, per namespace. */
export const CONTAINERD_TASK_DIR = '/run/containerd/io.containerd.runtime.v2.task/k8s.io';

/** The lookup shell's script; `taskDir` is a parameter so tests can run it on a directory of their own. */
export function labelLookupLoop(taskDir = CONTAINERD_TASK_DIR): string {
  return [
    'while IFS= read -r id; do',
    `f="${taskDir}/$id/config.json";`,
    `if [ -r "$f" ]; then printf "%s oci " "$id"; grep -o '"io\\.kubernetes\\.cri\\.[a-z-]*":"[^"]*"' "$f" | tr "\\n" " ";`,
    'else printf "%s ctr " "$id"; ctr -n k8s.io containers info "$id" 2>/dev/null | tr -d "\\n"; fi;',
    'echo; done',
  ].join(' ');
}

/** The CRI labels that matter, from either source. */
export interface CriLabels {
  kind: 'sandbox' | 'container' | undefined;
  podName?: string;
  podNamespace?: string;
  podUid?: string;
  containerName?: string;
}

/** Pure: parse `ctr containers info` output (JSON of the container record; labels under "Labels"). */
export function parseContainerInfo(json: string): CriLabels {
  const info = JSON.parse(json) as { Labels?: Record<string, string>; labels?: Record<string, string> };
  const labels = info.Labels ?? info.labels ?? {};
  const kind = labels['io.cri-containerd.kind'];
  const out: CriLabels = { kind: kind === 'sandbox' || kind === 'container' ? kind : undefined };
  if (labels['io.kubernetes.pod.name']) out.podName = labels['io.kubernetes.pod.name'];
  if (labels['io.kubernetes.pod.namespace']) out.podNamespace = labels['io.kubernetes.pod.namespace'];
  if (labels['io.kubernetes.pod.uid']) out.podUid = labels['io.kubernetes.pod.uid'];
  if (labels['io.kubernetes.container.name']) out.containerName = labels['io.kubernetes.container.name'];
  return out;
}

const OCI_ANNOTATION = /"io\.kubernetes\.cri\.([a-z-]+)":"([^"]*)"/g;

/**
 * Pure: the `"io.kubernetes.cri.<key>":"<value>"` pairs grep found in a bundle's config.json →
 * labels; undefined when none is there (not a CRI container).
 */
export function parseOciAnnotations(text: string): CriLabels | undefined {
  const found = new Map<string, string>();
  for (const m of text.matchAll(OCI_ANNOTATION)) found.set(m[1]!, m[2]!);
  if (found.size === 0) return undefined;
  const type = found.get('container-type');
  const out: CriLabels = { kind: type === 'sandbox' || type === 'container' ? type : undefined };
  if (found.get('sandbox-name')) out.podName = found.get('sandbox-name');
  if (found.get('sandbox-namespace')) out.podNamespace = found.get('sandbox-namespace');
  if (found.get('sandbox-uid')) out.podUid = found.get('sandbox-uid');
  if (out.kind === 'container' && found.get('container-name')) out.containerName = found.get('container-name');
  return out;
}

/** containerd ids the CRI plugin makes are 64 hex digits; anything else is never sent to the shell. */
const CONTAINER_ID = /^[0-9a-f]{64}$/;

export function isContainerId(id: string): boolean {
  return CONTAINER_ID.test(id);
}

/** Pure: one answer line → the id and its labels (undefined when the container was gone or the answer is bad). */
export function parseLookupAnswer(line: string): { id: string; labels: CriLabels | undefined } | undefined {
  const m = /^(\S+) (oci|ctr) ?(.*)$/s.exec(line);
  if (!m || !isContainerId(m[1]!)) return undefined;
  const id = m[1]!;
  const body = m[3]!.trim();
  if (!body) return { id, labels: undefined };
  if (m[2] === 'oci') return { id, labels: parseOciAnnotations(body) };
  try {
    return { id, labels: parseContainerInfo(body) };
  } catch {
    return { id, labels: undefined };
  }
}

export interface LabelResolverOptions {
  node: string;
  docker?: string;
  /** Give up on one answer after this long (the container is then shown by id). Default 10 000 after it was sent. */
  timeoutMs?: number;
  /** Collect questions this long before sending them. Default 2 000. */
  batchMs?: number;
  log?: (line: string) => void;
}

export class InNodeLabelResolver {
  private readonly process: SupervisedProcess;
  private readonly waiting = new Map<string, Array<(labels: CriLabels | undefined) => void>>();
  private readonly timeoutMs: number;
  private readonly batchMs: number;
  private batch: string[] = [];
  private batchTimer: NodeJS.Timeout | undefined;

  constructor(opts: LabelResolverOptions) {
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.batchMs = opts.batchMs ?? 2000;
    this.process = new SupervisedProcess({
      command: opts.docker ?? 'docker',
      args: readingStdin(opts.node, ['sh', '-c', labelLookupLoop()]),
      onLine: (line) => this.answer(line),
      onStderr: (line) => opts.log?.(`containerd tap (${opts.node}) label lookup: ${line}`),
      // Questions asked of a shell that died are never answered: settle them now.
      onExit: () => this.settleAll(),
    });
  }

  start(): void {
    this.process.start();
  }

  lookup(id: string): Promise<CriLabels | undefined> {
    if (!isContainerId(id)) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(undefined), this.batchMs + this.timeoutMs);
      const settle = (labels: CriLabels | undefined) => {
        clearTimeout(timer);
        resolve(labels);
      };
      const list = this.waiting.get(id) ?? [];
      list.push(settle);
      this.waiting.set(id, list);
      this.batch.push(id);
      this.batchTimer ??= setTimeout(() => this.sendBatch(), this.batchMs);
    });
  }

  /** Ask the collected questions now (the tap is stopping). */
  flush(): void {
    if (this.batchTimer) clearTimeout(this.batchTimer);
    this.sendBatch();
  }

  private sendBatch(): void {
    this.batchTimer = undefined;
    const ids = this.batch;
    this.batch = [];
    if (ids.length === 0) return;
    if (!this.process.write(ids.map((id) => `${id}\n`).join(''))) for (const id of ids) this.settle(id, undefined);
  }

  private answer(line: string): void {
    const parsed = parseLookupAnswer(line);
    if (parsed) this.settle(parsed.id, parsed.labels);
  }

  /** Each answer settles the oldest question for that id (the shell answers in order). */
  private settle(id: string, labels: CriLabels | undefined): void {
    const list = this.waiting.get(id);
    const first = list?.shift();
    if (list && list.length === 0) this.waiting.delete(id);
    first?.(labels);
  }

  private settleAll(): void {
    const lists = [...this.waiting.values()];
    this.waiting.clear();
    for (const list of lists) for (const settle of list) settle(undefined);
  }

  async stop(): Promise<void> {
    this.flush(); // questions still collecting are asked: the tap's last entries should have their pods
    await this.process.stop();
    this.settleAll();
  }
}
