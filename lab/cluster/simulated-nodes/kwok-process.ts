/**
 * kwok runs inside the control-plane node container as a systemd service (lab-kwok.service), not
 * beside the cluster on this machine. Why there:
 * - its life is the cluster's: `lab down` and `lab up --recreate` take it away with the simulated
 *   nodes it manages (they live in that cluster's etcd), so neither can outlive the other, and
 *   no process is left on this machine pointing at a deleted cluster;
 * - systemd supervises it: restarted 2 s after a crash, started again when the node container
 *   restarts (the unit is enabled), logs in `journalctl -u lab-kwok`; found and stopped by unit
 *   name, never by a pid that might have been reused;
 * - it talks to the API server over the node's loopback with the node's admin.conf, and no
 *   kubeconfig of this machine (which another checkout may rewrite) is involved.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { run } from '../exec.js';
import { controlPlaneContainer, execInNode } from '../nodes.js';
import { LabError } from '../../base/errors.js';

export const KWOK_UNIT = 'lab-kwok';
export const KWOK_BINARY_IN_NODE = '/usr/local/bin/kwok';
export const KWOK_CONFIG_IN_NODE = '/etc/kwok/lab-kwok.yaml';
export const KWOK_UNIT_PATH = `/etc/systemd/system/${KWOK_UNIT}.service`;

/** Pure: the systemd unit that runs kwok in the control-plane node. */
export function kwokUnit(): string {
  return [
    '[Unit]',
    'Description=kwok for k8s-flow-lab: the simulated nodes of `lab nodes add --simulated` (no kubelet, no containers)',
    'After=kubelet.service',
    // The API server may not answer yet at boot: keep trying, never give up.
    'StartLimitIntervalSec=0',
    '',
    '[Service]',
    `ExecStart=${KWOK_BINARY_IN_NODE} --kubeconfig=/etc/kubernetes/admin.conf --config=${KWOK_CONFIG_IN_NODE}`,
    'Restart=always',
    'RestartSec=2',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

export interface KwokStatus {
  node: string;
  installed: boolean;
  active: boolean;
  pid?: number;
  rssMiB?: number;
  restarts?: number;
}

/** Pure: `systemctl show -p ActiveState -p MainPID -p NRestarts` and the pid's VmRSS line → the status fields. */
export function parseKwokShow(show: string, vmRssLine: string): Pick<KwokStatus, 'active' | 'pid' | 'rssMiB' | 'restarts'> {
  const field = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(show)?.[1]?.trim();
  const active = field('ActiveState') === 'active';
  const pid = Number(field('MainPID'));
  const restarts = Number(field('NRestarts'));
  const rssKb = /VmRSS:\s+(\d+)\s+kB/.exec(vmRssLine)?.[1];
  return {
    active,
    ...(active && pid > 0 ? { pid } : {}),
    ...(active && rssKb ? { rssMiB: Math.round((Number(rssKb) / 1024) * 10) / 10 } : {}),
    ...(Number.isFinite(restarts) && field('NRestarts') !== undefined ? { restarts } : {}),
  };
}

async function inNode(node: string, script: string, input?: string): Promise<string> {
  const result = await execInNode(node, ['sh', '-c', script], input !== undefined ? { input, timeoutMs: 60_000 } : { timeoutMs: 60_000 });
  if (result.exitCode !== 0) throw new LabError(`in ${node}: \`${script.slice(0, 120)}\` failed (exit ${result.exitCode}): ${(result.stderr || result.stdout).trim().split('\n').slice(-5).join(' ')}`, `see \`npx lab node exec ${node} -- journalctl -u ${KWOK_UNIT} -n 50\``);
  return result.stdout;
}

export async function kwokStatus(node?: string): Promise<KwokStatus> {
  const where = node ?? (await controlPlaneContainer());
  const show = await execInNode(where, ['sh', '-c', `test -f ${KWOK_UNIT_PATH} && echo installed; systemctl show ${KWOK_UNIT} -p ActiveState -p MainPID -p NRestarts`], { timeoutMs: 20_000 });
  const installed = /^installed$/m.test(show.stdout);
  const pid = Number(/^MainPID=(\d+)/m.exec(show.stdout)?.[1] ?? 0);
  const rss = pid > 0 ? (await execInNode(where, ['sh', '-c', `grep VmRSS /proc/${pid}/status`], { timeoutMs: 20_000 })).stdout : '';
  return { node: where, installed, ...parseKwokShow(show.stdout, rss) };
}

function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface EnsureKwokResult {
  status: KwokStatus;
  /** What had to be done: nothing, or install/update and (re)start. */
  changed: string[];
}

/**
 * Puts kwok (the binary built here), its configuration and its unit into the control-plane node
 * and has systemd run it; a part already in place and unchanged is left alone, so a running kwok
 * with the same binary and configuration is not restarted.
 */
export async function ensureKwok(binaryPath: string, configYaml: string, update: (detail: string) => void): Promise<EnsureKwokResult> {
  const node = await controlPlaneContainer();
  const changed: string[] = [];
  const wantBinary = sha256(readFileSync(binaryPath));
  // The configuration is multi-document YAML ('---' lines): the parts are split on a line of its own.
  const SPLIT = '@@lab-kwok-part@@';
  const present = await execInNode(node, ['sh', '-c', `sha256sum ${KWOK_BINARY_IN_NODE} 2>/dev/null; echo ${SPLIT}; cat ${KWOK_CONFIG_IN_NODE} 2>/dev/null; echo ${SPLIT}; cat ${KWOK_UNIT_PATH} 2>/dev/null`], { timeoutMs: 20_000 });
  const [binaryLine = '', configText = '', unitText = ''] = present.stdout.split(`${SPLIT}\n`);
  if (!binaryLine.startsWith(wantBinary)) {
    update(`copying kwok into ${node}`);
    await run('docker', ['cp', binaryPath, `${node}:${KWOK_BINARY_IN_NODE}.new`]);
    await inNode(node, `chmod 0755 ${KWOK_BINARY_IN_NODE}.new && mv -f ${KWOK_BINARY_IN_NODE}.new ${KWOK_BINARY_IN_NODE}`);
    changed.push('binary');
  }
  if (configText.trim() !== configYaml.trim()) {
    await inNode(node, `mkdir -p /etc/kwok && cat > ${KWOK_CONFIG_IN_NODE}`, configYaml);
    changed.push('configuration');
  }
  if (unitText.trim() !== kwokUnit().trim()) {
    await inNode(node, `cat > ${KWOK_UNIT_PATH} && systemctl daemon-reload`, kwokUnit());
    changed.push('unit');
  }
  const before = await kwokStatus(node);
  if (before.active && changed.length === 0) return { status: before, changed };
  update(`starting ${KWOK_UNIT}.service in ${node}`);
  await inNode(node, `systemctl enable ${KWOK_UNIT} >/dev/null 2>&1; systemctl restart ${KWOK_UNIT}`);
  changed.push('started');
  // A kwok that exits at once (a bad flag, no stages) is restarted by systemd: watch it for a few seconds.
  const started = await kwokStatus(node);
  await new Promise((r) => setTimeout(r, 3000));
  const status = await kwokStatus(node);
  if (!status.active || (status.restarts ?? 0) > (started.restarts ?? 0)) {
    const log = await execInNode(node, ['journalctl', '-u', KWOK_UNIT, '-n', '15', '--no-pager'], { timeoutMs: 20_000 });
    throw new LabError(`kwok does not stay up in ${node}:\n${log.stdout.trim()}`, `see \`npx lab node exec ${node} -- journalctl -u ${KWOK_UNIT}\``);
  }
  return { status, changed };
}

/** Stops kwok and removes everything the lab put in the node for it. Safe when nothing is there. */
export async function removeKwok(): Promise<{ removed: boolean }> {
  const node = await controlPlaneContainer();
  const status = await kwokStatus(node);
  await inNode(node, [
    `systemctl disable --now ${KWOK_UNIT} >/dev/null 2>&1 || true`,
    `rm -f ${KWOK_UNIT_PATH} ${KWOK_CONFIG_IN_NODE} ${KWOK_BINARY_IN_NODE} ${KWOK_BINARY_IN_NODE}.new`,
    'rmdir /etc/kwok 2>/dev/null || true',
    'systemctl daemon-reload',
    `systemctl reset-failed ${KWOK_UNIT} >/dev/null 2>&1 || true`,
  ].join('; '));
  return { removed: status.installed || status.active };
}
