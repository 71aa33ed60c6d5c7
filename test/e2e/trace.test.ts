import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBuiltinControllers, setBuiltinControllers } from '../../lab/cluster/builtin-controllers.js';
import { execInNode, listNodeContainers } from '../../lab/cluster/nodes.js';
import { REPO_ROOT } from '../../lab/cluster/paths.js';
import { correlate, storyOf } from '../../lab/trace/correlate.js';
import { readJsonlFile } from '../../lab/trace/export/jsonl.js';
import type { TraceEntry } from '../../lab/trace/schema.js';
import { freshNamespace, kubectl, lab, startLabRun, waitFor } from './support.js';
import { workloadDeployment } from '../../lab/cluster/workload-image.js';

/**
 * Issue 4's end-to-end tests: the trace of a real 3-replica rollout, from the lab's informers and
 * decisions to what the API server (audit log), etcd, the kubelets and containerd did.
 */
const ns = 'e2e-trace';
const dir = mkdtempSync(join(tmpdir(), 'lab-trace-'));

function deployment(name: string, schedulerName: string): string {
  return JSON.stringify(workloadDeployment({ namespace: ns, name, replicas: 3, schedulerName, container: { env: [{ name: 'API_TOKEN', value: 'hunter2-secret-value' }] } }));
}

async function podNames(app: string): Promise<string[]> {
  const { stdout } = await kubectl(['-n', ns, 'get', 'pods', '-l', `app=${app}`, '-o', 'jsonpath={.items[*].metadata.name}']);
  return stdout.split(' ').filter(Boolean);
}

/** First entry (in the given order) matching the predicate, and its position. */
function find(entries: readonly TraceEntry[], what: string, predicate: (e: TraceEntry) => boolean): { entry: TraceEntry; at: number } {
  const at = entries.findIndex(predicate);
  if (at < 0) throw new Error(`trace has no ${what}`);
  return { entry: entries[at]!, at };
}

/** The taps' processes still running inside the kind nodes ("node: command"). */
async function tapProcessesInNodes(): Promise<string[]> {
  const found: string[] = [];
  for (const node of (await listNodeContainers()).filter((n) => n.running)) {
    const { stdout } = await execInNode(node.name, ['ps', '-eo', 'args']);
    for (const line of stdout.split('\n')) {
      if (/^etcdctl .* watch\b|^ctr -n k8s\.io events|while IFS= read -r id/.test(line)) found.push(`${node.name}: ${line.slice(0, 80)}`);
    }
  }
  return found;
}

/** A stopped trace leaves nothing behind in the nodes (killing `docker exec` alone used to). */
async function expectNoTapProcessesLeft(): Promise<void> {
  let left: string[] = [];
  await waitFor('the taps\' processes in the nodes to end', async () => (left = await tapProcessesInNodes()).length === 0, 15_000).catch(() => {});
  expect(left).toEqual([]);
}

describe('the trace of a real rollout', () => {
  let builtinBefore = true;
  beforeAll(async () => {
    builtinBefore = (await readBuiltinControllers()).deploymentController;
    await freshNamespace(ns);
  });
  afterAll(async () => {
    await kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false'], { reject: false });
    await setBuiltinControllers(builtinBefore);
  });

  let labEntries: TraceEntry[] = [];

  it('lab controllers + lab-scheduler: for every pod, Deployment event → RS create → pod create → binding → etcd → containerd start → kubelet Started, in causal order', async () => {
    await setBuiltinControllers(false);
    const file = join(dir, 'lab.jsonl');
    const run = await startLabRun(['--trace', file], ['deployment-controller', 'replicaset-controller', 'scheduler']);
    try {
      await kubectl(['apply', '-f', '-'], { input: deployment('traced', 'lab-scheduler') });
      await kubectl(['-n', ns, 'rollout', 'status', 'deployment/traced', '--timeout=180s'], { timeoutMs: 200_000 });
      // The kubelet's Started events and containerd's task starts arrive a little after the rollout.
      await waitFor('kubelet Started events for 3 pods', async () => {
        const entries = existsSync(file) ? await readJsonlFile(file) : [];
        return entries.filter((e) => e.tap === 'kubelet' && e.verb === 'Started' && e.object.namespace === ns).length >= 3;
      }, 60_000);
    } finally {
      const code = await run.stop('SIGTERM');
      if (code !== 0) console.error(`lab run's last output:\n${run.output().slice(-3000)}`);
      expect(code).toBe(0);
    }
    await expectNoTapProcessesLeft();
    labEntries = correlate(await readJsonlFile(file));
    const story = storyOf(labEntries, { kind: 'Deployment', namespace: ns, name: 'traced' });
    const pods = await podNames('traced');
    expect(pods).toHaveLength(3);

    const deploymentAdded = find(story, 'Deployment ADDED seen by the deployment controller', (e) => e.tap === 'informer' && e.actor === 'deployment-controller' && e.verb === 'ADDED' && e.object.kind === 'Deployment');
    const rsCreate = find(story, 'ReplicaSet create by the deployment controller', (e) => e.tap === 'write' && e.actor === 'deployment-controller' && e.verb === 'create' && e.object.kind === 'ReplicaSet');
    expect(deploymentAdded.at).toBeLessThan(rsCreate.at);
    expect(story.some((e) => e.tap === 'decision' && e.actor === 'replicaset-controller' && /want 3, have 0, create 3/.test(String(e.details.reason)))).toBe(true);

    for (const pod of pods) {
      const mine = (e: TraceEntry) => e.object.kind === 'Pod' && e.object.name === pod;
      const podCreate = find(story, `create of ${pod}`, (e) => mine(e) && e.tap === 'write' && e.actor === 'replicaset-controller' && e.verb === 'create');
      const binding = find(story, `binding of ${pod}`, (e) => mine(e) && e.tap === 'write' && e.actor === 'scheduler' && e.verb === 'bind');
      // The scheduler's own informers are tapped too: its watch saw the pod before it bound it.
      const seenByScheduler = find(story, `${pod} ADDED seen by the scheduler`, (e) => mine(e) && e.tap === 'informer' && e.actor === 'scheduler' && e.verb === 'ADDED');
      expect(seenByScheduler.at).toBeLessThanOrEqual(binding.at);
      const etcdWrite = find(story, `etcd write of ${pod}`, (e) => mine(e) && e.tap === 'etcd' && e.verb === 'PUT');
      const taskStart = find(story, `containerd task start of ${pod}`, (e) => mine(e) && e.tap === 'containerd' && e.verb === '/tasks/start' && e.details.containerKind === 'container');
      const started = find(story, `kubelet Started of ${pod}`, (e) => mine(e) && e.tap === 'kubelet' && e.verb === 'Started');
      expect(rsCreate.at).toBeLessThan(podCreate.at);
      expect(podCreate.at).toBeLessThan(binding.at);
      expect(podCreate.at).toBeLessThan(etcdWrite.at);
      expect(binding.at).toBeLessThan(taskStart.at);
      expect(binding.at).toBeLessThan(started.at);
      // Each node's entries name the node the pod was bound to.
      const node = String(binding.entry.details.node);
      expect(taskStart.entry.actor).toBe(`containerd@${node}`);
      expect(started.entry.actor).toBe(`kubelet@${node}`);
    }
    // The audit log saw the lab's identities at work.
    const auditActors = new Set(labEntries.filter((e) => e.tap === 'audit' && e.object.namespace === ns && e.verb === 'create').map((e) => e.actor));
    expect([...auditActors]).toEqual(expect.arrayContaining(['deployment-controller', 'replicaset-controller', 'scheduler']));
  });

  it('never writes env values or secret data into the trace', () => {
    const file = readFileSync(join(dir, 'lab.jsonl'), 'utf8');
    expect(file).not.toContain('hunter2-secret-value');
  });

  it('built-in controllers + default-scheduler: `lab trace` shows the built-in actors from the audit log', async () => {
    await setBuiltinControllers(true);
    const file = join(dir, 'builtin.jsonl');
    const child = execa(process.execPath, [join(REPO_ROOT, 'lab', 'bin', 'lab.mjs'), 'trace', '--jsonl', file, '--namespace', ns], { reject: false, cwd: REPO_ROOT, all: true, buffer: false });
    try {
      await waitFor('trace file', async () => existsSync(file), 60_000, 200);
      await new Promise((r) => setTimeout(r, 2000));
      await kubectl(['apply', '-f', '-'], { input: deployment('builtin', 'default-scheduler') });
      await kubectl(['-n', ns, 'rollout', 'status', 'deployment/builtin', '--timeout=180s'], { timeoutMs: 200_000 });
      await waitFor('binding audit entries', async () => {
        const entries = await readJsonlFile(file);
        return entries.filter((e) => e.tap === 'audit' && e.actor === 'default-scheduler' && e.object.namespace === ns).length >= 3;
      }, 60_000);
    } finally {
      child.kill('SIGINT');
      expect((await child).exitCode).toBe(0);
    }
    await expectNoTapProcessesLeft();
    const entries = await readJsonlFile(file);
    const writes = entries.filter((e) => e.tap === 'audit' && e.object.namespace === ns && e.verb === 'create');
    const by = (actor: string, kind: string) => writes.filter((e) => e.actor === actor && e.object.kind === kind);
    expect(by('kube-controller-manager/deployment-controller', 'ReplicaSet')).toHaveLength(1);
    expect(by('kube-controller-manager/replicaset-controller', 'Pod').length).toBeGreaterThanOrEqual(3);
    expect(by('default-scheduler', 'Pod').length).toBeGreaterThanOrEqual(3); // pods/binding
    expect(entries.some((e) => e.tap === 'etcd' && e.object.kind === 'ReplicaSet' && e.object.namespace === ns)).toBe(true);
  });

  it('exports a Mermaid diagram that Mermaid parses, and an HTML report that renders in Chromium without console errors', async () => {
    const mmd = join(dir, 'lab.mmd');
    const html = join(dir, 'lab.html');
    const m = await lab(['trace', 'export', '--format', 'mermaid', '--input', join(dir, 'lab.jsonl'), '--object', 'deployment/traced', '--namespace', ns, '--out', mmd]);
    expect(m.exitCode, m.stderr).toBe(0);
    const text = readFileSync(mmd, 'utf8');
    expect(text.startsWith('sequenceDiagram')).toBe(true);
    for (const participant of ['deployment-controller', 'replicaset-controller', 'scheduler', 'etcd']) expect(text).toContain(participant);

    const h = await lab(['trace', 'export', '--format', 'html', '--input', join(dir, 'lab.jsonl'), '--object', 'deployment/traced', '--namespace', ns, '--out', html]);
    expect(h.exitCode, h.stderr).toBe(0);
    const browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(`file://${html}`);
      await page.waitForSelector('svg[id^="mermaid"], .mermaid svg', { timeout: 30_000 });
      const svgText = await page.locator('svg').first().textContent();
      expect(svgText).toContain('scheduler');
      expect(await page.locator('table tr').count()).toBeGreaterThan(10);
      // Mermaid's own parser, in the browser where it runs (in Node it lacks a DOM for sanitising).
      const parsed = await page.evaluate(async (source) => {
        const m = (globalThis as unknown as { mermaid: { parse(text: string): Promise<unknown> } }).mermaid;
        try {
          return { ok: Boolean(await m.parse(source)) };
        } catch (error) {
          return { ok: false, error: String(error) };
        }
      }, text);
      expect(parsed).toEqual({ ok: true });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
