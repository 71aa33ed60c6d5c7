import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InNodeLabelResolver, isContainerId, labelLookupLoop, parseLookupAnswer, parseOciAnnotations } from '../../../lab/trace/taps/container-labels.js';
import { ETCDCTL_WHERE_IT_IS, etcdctlWatchArgs, etcdctlWatchCommands, prefixEnd, watchRangesExcluding } from '../../../lab/trace/taps/etcd.js';
import { STOP_ON_STDIN_EOF, untilStdinCloses } from '../../../lab/trace/taps/in-node.js';
import { SupervisedProcess } from '../../../lab/trace/taps/supervised-process.js';

const ID = 'a'.repeat(64);

describe('etcd watch ranges', () => {
  it('prefixEnd is the first key after the prefix', () => {
    expect(prefixEnd('/registry/')).toBe('/registry0');
    expect(prefixEnd('/registry/events/')).toBe('/registry/events0');
    expect(() => prefixEnd('')).toThrow(RangeError);
  });

  it('covers /registry/ except the skipped resources, in key order', () => {
    expect(watchRangesExcluding('/registry/', ['leases', 'events', 'masterleases'])).toEqual([
      ['/registry/', '/registry/events/'],
      ['/registry/events0', '/registry/leases/'],
      ['/registry/leases0', '/registry/masterleases/'],
      ['/registry/masterleases0', '/registry0'],
    ]);
  });

  it('with nothing skipped, watches the whole prefix; duplicates count once', () => {
    expect(watchRangesExcluding('/registry/', [])).toEqual([['/registry/', '/registry0']]);
    expect(watchRangesExcluding('/registry/', ['events', 'events'])).toEqual([
      ['/registry/', '/registry/events/'],
      ['/registry/events0', '/registry0'],
    ]);
  });

  it('every key of a kept resource falls in exactly one range, no skipped key in any', () => {
    const ranges = watchRangesExcluding('/registry/', ['events', 'leases', 'masterleases']);
    const inRanges = (key: string) => ranges.filter(([a, b]) => key >= a && key < b).length;
    for (const key of ['/registry/pods/default/web-1', '/registry/deployments/default/web', '/registry/minions/lab-worker', '/registry/apiregistration.k8s.io/apiservices/v1.', '/registry/eventsx/y', '/registry/leasesets/a/b', '/registry/services/specs/default/kubernetes']) {
      expect(inRanges(key), key).toBe(1);
    }
    for (const key of ['/registry/events/default/web.1', '/registry/leases/kube-node-lease/lab-worker', '/registry/masterleases/10.0.0.1']) {
      expect(inRanges(key), key).toBe(0);
    }
  });

  it('the commands are one interactive watch per range, and etcdctl reads them from stdin', () => {
    expect(etcdctlWatchCommands(['events']).split('\n')).toEqual(['watch /registry/ /registry/events/', 'watch /registry/events0 /registry0', '']);
    const args = etcdctlWatchArgs('lab-control-plane');
    expect(args.slice(0, 4)).toEqual(['exec', '-i', 'lab-control-plane', 'sh']);
    expect(args[5]).toBe(ETCDCTL_WHERE_IT_IS);
    expect(args.slice(7)).toContain('--cert=/etc/kubernetes/pki/etcd/healthcheck-client.crt');
  });

  describe('where etcdctl runs (the script, run by sh with fake etcdctl and ctr)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-etcdctl-'));
    const log = join(dir, 'calls.log');
    const fake = (name: string, body: string) => writeFileSync(join(dir, 'bin-' + name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    const runScript = (bins: string[]) => {
      const path = mkdtempSync(join(dir, 'path-'));
      for (const b of bins) symlinkSync(join(dir, 'bin-' + b), join(path, b));
      for (const tool of ['awk', 'tr', 'cat', 'sh']) {
        const found = ['/usr/bin', '/bin'].map((d) => join(d, tool)).find((p) => existsSync(p));
        if (found) symlinkSync(found, join(path, tool));
      }
      rmSync(log, { force: true });
      // stdin stays open for 2 s (as the tap holds it open): at its EOF the script stops etcdctl.
      const result = spawnSync('/bin/sh', ['-c', '/bin/sleep 2 | /bin/sh -c "$0" sh --endpoints=E', ETCDCTL_WHERE_IT_IS], { env: { PATH: path }, encoding: 'utf8' });
      return { status: result.status, stderr: result.stderr, calls: existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : [] };
    };
    const C1 = 'a'.repeat(64);
    const C2 = 'b'.repeat(64);
    fake('etcdctl', `echo "etcdctl $*" >> ${log}`);
    fake('ctr', [
      `echo "ctr $*" >> ${log}`,
      `case "$*" in`,
      `  *"tasks ls"*) printf 'TASK PID STATUS\\n${C1} 10 STOPPED\\n${C2} 11 RUNNING\\n';;`,
      `  *"containers ls"*) printf '${C1}\\n${C2}\\n';;`,
      `esac`,
    ].join('\n'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('on the node where it is installed: an interactive watch reading its ranges from stdin', () => {
      const r = runScript(['etcdctl', 'ctr']);
      expect(r.calls).toEqual(['etcdctl --endpoints=E watch --interactive -w json']);
    });

    it('else in the running etcd container (not a stopped one), through ctr, watching the whole prefix', () => {
      const r = runScript(['ctr']);
      expect(r.status).toBe(0);
      expect(r.calls.at(-1)).toMatch(new RegExp(`^ctr -n k8s.io tasks exec --exec-id lab-etcd-watch-\\d+ ${C2} etcdctl --endpoints=E watch --prefix /registry/ -w json$`));
    });

    it('neither: says so and fails', () => {
      fake('ctr', 'true');
      const r = runScript(['ctr']);
      expect(r.status).toBe(127);
      expect(r.stderr).toContain('no etcdctl on this node and no running etcd container');
    });
  });
});

describe('container label lookups', () => {
  it('only 64-hex ids are sent to the shell', () => {
    expect(isContainerId(ID)).toBe(true);
    expect(isContainerId('sb1')).toBe(false);
    expect(isContainerId(`${ID}\nrm -rf /`)).toBe(false);
  });

  it('parses answers from ctr: labels, a gone container, bad JSON', () => {
    const info = JSON.stringify({ ID, Labels: { 'io.cri-containerd.kind': 'container', 'io.kubernetes.pod.name': 'web-1', 'io.kubernetes.container.name': 'nginx' } });
    expect(parseLookupAnswer(`${ID} ctr ${info}`)).toEqual({ id: ID, labels: { kind: 'container', podName: 'web-1', containerName: 'nginx' } });
    expect(parseLookupAnswer(`${ID} ctr `)).toEqual({ id: ID, labels: undefined });
    expect(parseLookupAnswer(`${ID} ctr {"Labels":`)).toEqual({ id: ID, labels: undefined });
    expect(parseLookupAnswer('ctr: something else')).toBeUndefined();
    expect(parseLookupAnswer(`${ID} {"Labels":{}}`)).toBeUndefined(); // no source word: not an answer of this loop
  });

  // What grep finds in a CRI bundle's config.json (containerd 1.6, read off a kind node).
  const CONTAINER_ANNOTATIONS =
    '"io.kubernetes.cri.container-name":"web" "io.kubernetes.cri.container-type":"container" "io.kubernetes.cri.image-name":"lab.local/web:1.0" ' +
    `"io.kubernetes.cri.sandbox-id":"${'c'.repeat(64)}" "io.kubernetes.cri.sandbox-name":"web-77df657bb8-58rw4" ` +
    '"io.kubernetes.cri.sandbox-namespace":"default" "io.kubernetes.cri.sandbox-uid":"7c94eb3c-5f84-4f5c-9906-731c34bd0b07" ';
  const SANDBOX_ANNOTATIONS =
    '"io.kubernetes.cri.container-type":"sandbox" "io.kubernetes.cri.sandbox-cpu-shares":"2" "io.kubernetes.cri.sandbox-log-directory":"/var/log/pods/x" ' +
    '"io.kubernetes.cri.sandbox-name":"web-77df657bb8-58rw4" "io.kubernetes.cri.sandbox-namespace":"default" "io.kubernetes.cri.sandbox-uid":"7c94eb3c-5f84-4f5c-9906-731c34bd0b07" ';

  it('parses the OCI annotations of a container and of a sandbox', () => {
    expect(parseOciAnnotations(CONTAINER_ANNOTATIONS)).toEqual({
      kind: 'container', podName: 'web-77df657bb8-58rw4', podNamespace: 'default', podUid: '7c94eb3c-5f84-4f5c-9906-731c34bd0b07', containerName: 'web',
    });
    expect(parseOciAnnotations(SANDBOX_ANNOTATIONS)).toEqual({
      kind: 'sandbox', podName: 'web-77df657bb8-58rw4', podNamespace: 'default', podUid: '7c94eb3c-5f84-4f5c-9906-731c34bd0b07',
    });
    expect(parseOciAnnotations('')).toBeUndefined(); // a bundle that is not the CRI's
    expect(parseLookupAnswer(`${ID} oci ${SANDBOX_ANNOTATIONS}`)?.labels?.kind).toBe('sandbox');
    expect(parseLookupAnswer(`${ID} oci `)).toEqual({ id: ID, labels: undefined });
  });

  it('the lookup loop answers each id on one line, in order, from the bundle when there is one, else ctr, and ends at EOF', async () => {
    // The loop itself, on a task directory of its own: one id has a bundle, one only a container
    // record (a stand-in `ctr` that prints pretty JSON), one neither.
    const taskDir = mkdtempSync(join(tmpdir(), 'lab-tasks-'));
    const withBundle = 'd'.repeat(64);
    mkdirSync(join(taskDir, withBundle));
    writeFileSync(join(taskDir, withBundle, 'config.json'), `{"ociVersion":"1.1.0","annotations":{${CONTAINER_ANNOTATIONS.trim().split(' ').join(',')}},"process":{"env":["A=1"]}}`);
    const fakeCtr = `ctr() { if [ "$5" = "${ID}" ]; then printf '{\\n  "Labels": {"io.kubernetes.pod.name": "web-1"}\\n}\\n'; else echo "not found" >&2; return 1; fi; }; `;
    const child = spawn('sh', ['-c', fakeCtr + labelLookupLoop(taskDir)], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stdin.end(`${ID}\n${'b'.repeat(64)}\n${withBundle}\n`);
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(parseLookupAnswer(lines[0]!)).toEqual({ id: ID, labels: { kind: undefined, podName: 'web-1' } });
    expect(parseLookupAnswer(lines[1]!)).toEqual({ id: 'b'.repeat(64), labels: undefined });
    expect(parseLookupAnswer(lines[2]!)).toEqual({ id: withBundle, labels: parseOciAnnotations(CONTAINER_ANNOTATIONS) });
  });
});

describe('in-node commands end with their stdin', () => {
  it('untilStdinCloses wraps the command for docker exec -i', () => {
    expect(untilStdinCloses('lab-worker', ['ctr', '-n', 'k8s.io', 'events'])).toEqual(['exec', '-i', 'lab-worker', 'sh', '-c', STOP_ON_STDIN_EOF, 'sh', 'ctr', '-n', 'k8s.io', 'events']);
  });

  it('the wrapper TERMs a long-running command when stdin closes', async () => {
    const child = spawn('sh', ['-c', STOP_ON_STDIN_EOF, 'sh', 'sleep', '30'], { stdio: ['pipe', 'ignore', 'ignore'] });
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    child.stdin.end();
    const code = await new Promise((r) => child.once('exit', r));
    expect(Date.now() - t0).toBeLessThan(5000); // not sleep's 30 s
    expect(code).toBe(143); // sleep's status after TERM, passed on
  });

  it('the wrapper returns the status of a command that ends on its own, while stdin stays open', async () => {
    const child = spawn('sh', ['-c', STOP_ON_STDIN_EOF, 'sh', 'sh', '-c', 'echo out; exit 3'], { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(3);
    expect(out).toBe('out\n');
    child.stdin.end();
  });

  it('SupervisedProcess.stop() closes stdin first, so a stdin-reading child leaves by itself', async () => {
    let signal: NodeJS.Signals | null | undefined;
    let code: number | null | undefined;
    const proc = new SupervisedProcess({
      command: 'sh',
      args: ['-c', 'cat >/dev/null; echo bye'],
      onLine: () => {},
      onExit: (c, s) => {
        code = c;
        signal = s;
      },
    });
    proc.start();
    await new Promise((r) => setTimeout(r, 100));
    await proc.stop();
    expect(signal).toBeNull(); // not killed: it saw EOF
    expect(code).toBe(0);
  });

  it('SupervisedProcess writes stdinOnStart and write() to the child', async () => {
    const lines: string[] = [];
    const proc = new SupervisedProcess({ command: 'cat', args: [], onLine: (l) => lines.push(l), stdinOnStart: 'first\n' });
    expect(proc.write('x\n')).toBe(false); // not started
    proc.start();
    expect(proc.write('second\n')).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    await proc.stop();
    expect(lines).toEqual(['first', 'second']);
  });
});

describe('InNodeLabelResolver', () => {
  // A stand-in `docker` that drops "exec -i NODE" and runs the rest, and a `ctr` that knows one id.
  const bin = mkdtempSync(join(tmpdir(), 'fake-docker-'));
  writeFileSync(join(bin, 'docker'), '#!/bin/sh\nshift 3\nexec "$@"\n', { mode: 0o755 });
  writeFileSync(join(bin, 'ctr'), `#!/bin/sh\necho "$*" >> ${join(bin, 'calls')}\n[ "$5" = "${ID}" ] || exit 1\nprintf '{\\n "Labels": {"io.cri-containerd.kind": "sandbox", "io.kubernetes.pod.name": "web-1"}\\n}\\n'\n`, { mode: 0o755 });
  const calls = () => (existsSync(join(bin, 'calls')) ? readFileSync(join(bin, 'calls'), 'utf8').trim().split('\n') : []);

  it('collects questions for batchMs, sends them together and matches answers by id', async () => {
    const pathBefore = process.env.PATH;
    process.env.PATH = `${bin}:${pathBefore}`;
    const resolver = new InNodeLabelResolver({ node: 'lab-worker', docker: join(bin, 'docker'), batchMs: 300 });
    try {
      resolver.start();
      const first = resolver.lookup(ID);
      const gone = resolver.lookup('c'.repeat(64));
      await new Promise((r) => setTimeout(r, 100));
      expect(calls()).toEqual([]); // still collecting
      expect(await first).toEqual({ kind: 'sandbox', podName: 'web-1' });
      expect(await gone).toBeUndefined();
      expect(calls()).toHaveLength(2);
      expect(await resolver.lookup('not-an-id')).toBeUndefined(); // never sent
      expect(calls()).toHaveLength(2);
      const last = resolver.lookup(ID);
      await resolver.stop(); // asks what was still collecting before it stops
      expect(await last).toEqual({ kind: 'sandbox', podName: 'web-1' });
    } finally {
      process.env.PATH = pathBefore;
    }
  });
});
