/**
 * The set-up `npx lab demo`, `npx lab up` and `npm test` do by themselves, so that the README's two
 * commands are all a new user types: a Docker engine that answers, and the node image (built
 * offline, cached by its inputs). Each step is planned from what the machine has (a pure
 * function of probes), said before it runs with why and about how long, and idempotent. A step
 * that needs root on a machine where we are not root is not attempted: the error says exactly
 * what to run.
 */
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BadInputError } from '../base/errors.js';
import type { Progress } from '../base/progress.js';
import { commandWorks } from './exec.js';
import { clusterHealth } from './health.js';
import { buildNodeImage, NODE_IMAGE } from './image/build.js';
import { imageExists } from './image/docker-images.js';
import { kubectlPath } from './kubectl.js';
import { KIND_VERSION, kindPath, KUBERNETES_VERSION, REPO_ROOT } from './paths.js';
import { downloadTool, toolSources } from './tool-download.js';

export interface MachineFacts {
  /** `docker info` answers. */
  dockerAnswers: boolean;
  /** A docker CLI and a dockerd are installed (they may not be running). */
  dockerInstalled: boolean;
  root: boolean;
  apt: boolean;
  goOk: boolean;
  debootstrap: boolean;
  /** The node image the lab will use is already in Docker. */
  nodeImagePresent: boolean;
  /** The node image is the one the lab builds (not a stock or user-given image). */
  nodeImageIsOurs: boolean;
  /** kind and kubectl answer (from the cache's bin directory or PATH). */
  kindPresent: boolean;
  kubectlPresent: boolean;
}

export type SetupStepId = 'packages' | 'docker' | 'node-image' | 'tools';

export interface SetupStep {
  id: SetupStepId;
  title: string;
  why: string;
  estimate: string;
}

export interface SetupPlan {
  steps: SetupStep[];
  /** Set when a needed step cannot run here (no root, no apt): what the user must do. */
  blocked?: { message: string; fix: string };
}

const PACKAGES: SetupStep = {
  id: 'packages',
  title: 'Debian packages (docker.io, containerd, debootstrap, Chromium, ...) and Go from the Go module proxy',
  why: 'kind runs the cluster\'s nodes as Docker containers, and the offline node image is built with Go and debootstrap',
  estimate: 'about 2–5 min',
};
const DOCKER: SetupStep = {
  id: 'docker',
  title: 'starting the Docker engine (dockerd)',
  why: 'no Docker engine answers on this machine',
  estimate: 'about 10 s',
};
const NODE_IMAGE_STEP: SetupStep = {
  id: 'node-image',
  title: `the offline node image ${NODE_IMAGE} (Kubernetes v1.34 from Go modules, a Debian root filesystem)`,
  why: 'no container registry is needed: every image the cluster runs is built here, then cached by its inputs',
  estimate: 'about 30–45 min the first time on 2 cores, seconds when nothing changed',
};

const TOOLS: SetupStep = {
  id: 'tools',
  title: `kind ${KIND_VERSION} and kubectl ${KUBERNETES_VERSION} (their release binaries, checked against their published SHA-256)`,
  why: 'the lab drives the cluster with them, and nothing here builds them (the node image comes from a registry)',
  estimate: 'about 10–30 s',
};

/** Pure: what must be done on a machine with these facts, or what the user must do. */
export function planSetup(f: MachineFacts): SetupPlan {
  const steps: SetupStep[] = [];
  const needsImageBuild = f.nodeImageIsOurs;
  const needsBuildTools = needsImageBuild && !f.nodeImagePresent && (!f.goOk || !f.debootstrap);
  const needsPackages = (!f.dockerAnswers && !f.dockerInstalled) || needsBuildTools;
  if (needsPackages) steps.push(PACKAGES);
  if (!f.dockerAnswers) steps.push(DOCKER);
  // With Go and debootstrap at hand the build runs every time: it is cached by its inputs, so
  // an image from older sources is rebuilt. Without them an image already here is used as is
  // (loaded from a `lab image save` archive, say).
  if (needsImageBuild && (!f.nodeImagePresent || (f.goOk && f.debootstrap))) steps.push(NODE_IMAGE_STEP);
  // The image build installs kind and kubectl from Go modules; without it they are downloaded.
  if ((!f.kindPresent || !f.kubectlPresent) && !steps.includes(NODE_IMAGE_STEP)) steps.push(TOOLS);
  const needsRoot = steps.some((s) => s.id === 'packages' || s.id === 'docker');
  if (needsRoot && (!f.root || !f.apt)) {
    const linuxFix = 'sudo bash scripts/install-prerequisites.sh && sudo bash scripts/setup-docker.sh';
    return {
      steps,
      blocked: !f.dockerAnswers
        ? {
            message: f.dockerInstalled ? 'Docker is installed but its engine does not answer (or this user may not use it)' : 'Docker is not installed',
            fix: f.apt
              ? `run \`${linuxFix}\` once (they need root), or start Docker Desktop / add yourself to the docker group; then run this again`
              : 'install and start Docker (Docker Desktop on macOS, the docker engine on Linux), then run this again',
          }
        : {
            message: 'building the offline node image needs Go ≥ 1.24 and debootstrap, which are not installed',
            fix: f.apt
              ? `run \`sudo bash scripts/install-prerequisites.sh\` once, or load an image archive another machine made: \`npx lab image load FILE\``
              : 'load an image archive another machine made (`npx lab image load FILE`), or run the lab on Debian/Ubuntu',
          },
    };
  }
  return { steps };
}

async function goIsRecent(): Promise<boolean> {
  try {
    const { stdout } = await execa('go', ['version'], { reject: true, timeout: 20_000 });
    return /go1\.(2[4-9]|[3-9]\d)/.test(stdout);
  } catch {
    return false;
  }
}

/** The probes behind planSetup: each a quick local command. */
export async function probeMachine(nodeImage: string): Promise<MachineFacts> {
  const dockerAnswers = await commandWorks('docker', ['info']);
  const dockerInstalled = (await commandWorks('docker', ['--version'])) && (await commandWorks('dockerd', ['--version']));
  return {
    dockerAnswers,
    dockerInstalled: dockerInstalled || dockerAnswers,
    root: process.getuid?.() === 0,
    apt: existsSync('/usr/bin/apt-get'),
    goOk: await goIsRecent(),
    debootstrap: (await commandWorks('debootstrap', ['--version'])) || existsSync('/usr/sbin/debootstrap'),
    nodeImagePresent: dockerAnswers && (await imageExists(nodeImage)),
    nodeImageIsOurs: nodeImage === NODE_IMAGE,
    kindPresent: await commandWorks(kindPath(), ['version']),
    kubectlPresent: await commandWorks(kubectlPath(), ['version', '--client']),
  };
}

/** Runs one of the set-up scripts, showing its last line as progress. */
async function runScript(script: string, update: (detail: string) => void): Promise<void> {
  const child = execa('bash', [join(REPO_ROOT, 'scripts', script)], { all: true, reject: false, stdin: 'ignore' });
  let tail = '';
  child.all?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
    const last = tail.trimEnd().split('\n').pop();
    if (last) update(last.slice(0, 160));
  });
  const result = await child;
  if (result.exitCode !== 0) {
    throw new BadInputError(`scripts/${script} failed (exit ${result.exitCode}):\n${tail.trim().split('\n').slice(-15).join('\n')}`, `fix what it says, then run \`bash scripts/${script}\` again`);
  }
}

export interface SetupResult {
  steps: SetupStepId[];
  durationMs: number;
}

/** Plans, says what and why, and runs the set-up a machine still needs before a cluster can come up. */
export async function ensureMachineReady(progress: Progress, opts: { nodeImage?: string; skipIfClusterHealthy?: boolean } = {}): Promise<SetupResult> {
  const started = Date.now();
  // A healthy cluster needs nothing more from this machine.
  if (opts.skipIfClusterHealthy && (await commandWorks('docker', ['info'])) && (await clusterHealth().catch(() => undefined))?.healthy) {
    return { steps: [], durationMs: Date.now() - started };
  }
  const facts = await probeMachine(opts.nodeImage ?? NODE_IMAGE);
  const plan = planSetup(facts);
  if (plan.blocked) throw new BadInputError(plan.blocked.message, plan.blocked.fix);
  // Checking an image that is already here against its inputs is not news; anything else is.
  // With no Docker engine answering yet, whether the image is here is only known once it runs.
  const news = plan.steps.filter((s) => s.id !== 'node-image' || !facts.nodeImagePresent);
  if (news.length > 0) {
    progress.info('this machine needs some set-up first (once; later runs skip it):');
    for (const s of news) {
      const when = s.id === 'node-image' && !facts.dockerAnswers ? `if it is not in Docker already, ${s.estimate}` : s.estimate;
      progress.info(`  ${s.title}: ${s.why} (${when})`);
    }
  }
  for (const step of plan.steps) {
    if (step.id === 'packages') await progress.step(`${step.title} (${step.estimate})`, (update) => runScript('install-prerequisites.sh', update));
    else if (step.id === 'docker') await progress.step(`${step.title} (${step.estimate})`, (update) => runScript('setup-docker.sh', update));
    else if (step.id === 'tools') {
      await progress.step(`${step.title} (${step.estimate})`, async (update) => {
        for (const source of toolSources(process.platform, process.arch)) {
          update(source.url);
          await downloadTool(source);
        }
      });
    }
    else {
      const present = await imageExists(opts.nodeImage ?? NODE_IMAGE).catch(() => false);
      progress.info(present ? 'checking the node image against its inputs (rebuilt only if they changed)' : `building the node image: ${step.estimate}`);
      await buildNodeImage(progress);
    }
  }
  return { steps: plan.steps.map((s) => s.id), durationMs: Date.now() - started };
}
