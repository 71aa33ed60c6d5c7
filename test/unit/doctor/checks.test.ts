import { describe, expect, it } from 'vitest';
import * as checks from '../../../lab/doctor/checks.js';
import { createContext, interpretDockerInfo } from '../../../lab/doctor/context.js';
import { doctorExitCode, formatReport, runDoctor } from '../../../lab/doctor/doctor.js';
import type { CheckResult } from '../../../lab/doctor/types.js';
import { Chalk } from 'chalk';
import { DOCKER_INFO, failed, GIB, healthyMachine, ok, probesFor, SETTINGS, type Machine } from './fakes.js';

async function runCheck(check: checks.Check, change: (m: Machine) => void = () => {}) {
  const machine = healthyMachine();
  change(machine);
  return check.run(createContext(probesFor(machine), SETTINGS));
}

/** The outcome must be a result (not skipped). */
async function resultOf(check: checks.Check, change?: (m: Machine) => void): Promise<CheckResult> {
  const outcome = await runCheck(check, change);
  if ('skipped' in outcome) throw new Error(`${check.name} was skipped: ${outcome.skipped}`);
  return outcome;
}

const dockerInfo = (m: Machine, info: object) => {
  m.commands['docker info --format {{json .}}'] = ok(JSON.stringify({ ...DOCKER_INFO, ...info }));
};
const noNodeImage = (m: Machine) => {
  m.commands[`docker image inspect --format {{json .Config.Labels}} ${SETTINGS.nodeImage}`] = failed('Error: No such image');
};

describe('each check on a healthy machine passes', () => {
  it.each(checks.CHECKS.map((c) => [c.name, c] as const))('%s', async (_name, check) => {
    const result = await resultOf(check);
    expect(result.ok).toBe(true);
    expect(result.fix).toBeUndefined();
  });
});

describe('Node version', () => {
  it.each([
    ['22.19.0', true],
    ['22.18.1', false],
    ['20.20.2', false],
    ['24.1.0', true],
  ])('Node %s → %s', async (version, expected) => {
    const result = await resultOf(checks.nodeCheck, (m) => (m.node = version));
    expect(result.ok).toBe(expected);
    if (!expected) expect(result.fix).toContain('npx lab');
  });
});

describe('Docker', () => {
  it('no docker CLI: the CLI check fails with how to install it; the engine check is skipped', async () => {
    const change = (m: Machine) => {
      delete m.commands['docker --version'];
      delete m.commands['docker info --format {{json .}}'];
    };
    const cli = await resultOf(checks.dockerCliCheck, change);
    expect(cli.ok).toBe(false);
    expect(cli.fix).toContain('setup-docker.sh');
    expect(await runCheck(checks.dockerEngineCheck, change)).toEqual({ name: checks.dockerEngineCheck.name, skipped: 'no docker CLI' });
  });

  it('engine not answering: fails with the daemon\'s message and skips image and cluster checks', async () => {
    const change = (m: Machine) => {
      m.commands['docker info --format {{json .}}'] = failed('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
    };
    const engine = await resultOf(checks.dockerEngineCheck, change);
    expect(engine.ok).toBe(false);
    expect(engine.detail).toContain('Cannot connect to the Docker daemon');
    expect(engine.fix).toContain('setup-docker.sh');
    expect('skipped' in (await runCheck(checks.nodeImageCheck, change))).toBe(true);
    expect('skipped' in (await runCheck(checks.clusterExistsCheck, change))).toBe(true);
  });

  it.each([
    [{ exitCode: 0, stdout: JSON.stringify(DOCKER_INFO), stderr: '' }, true],
    [{ exitCode: 1, stdout: JSON.stringify({ ServerErrors: ['permission denied while trying to connect'] }), stderr: '' }, false],
    [{ exitCode: 0, stdout: JSON.stringify({ ...DOCKER_INFO, ServerErrors: ['daemon gone'] }), stderr: '' }, false],
    [{ exitCode: 0, stdout: 'not json', stderr: '' }, false],
  ])('interpretDockerInfo(%j).answering = %s', (output, answering) => {
    expect(interpretDockerInfo(output).answering).toBe(answering);
  });

  it('interpretDockerInfo keeps the server error as the reason', () => {
    expect(interpretDockerInfo({ exitCode: 1, stdout: JSON.stringify({ ServerErrors: ['permission denied'] }), stderr: '' })).toEqual({
      answering: false,
      reason: 'permission denied',
    });
  });
});

describe('capabilities', () => {
  const lacking = (m: Machine) => (m.files['/proc/self/status'] = 'CapBnd:\t000001fffeffffff\n');

  it('complete bounding set: ok whatever the runtime', async () => {
    expect((await resultOf(checks.capabilitiesCheck)).detail).toContain('complete');
  });

  it('incomplete set and runc-capfilter as the default runtime: ok, names what is missing', async () => {
    const result = await resultOf(checks.capabilitiesCheck, (m) => {
      lacking(m);
      dockerInfo(m, { DefaultRuntime: 'runc-capfilter', Runtimes: { runc: {}, 'runc-capfilter': { path: '/usr/local/lib/k8s-flow-lab/runc-capfilter' } } });
    });
    expect(result.ok).toBe(true);
    expect(result.detail).toContain('CAP_SYS_RESOURCE');
  });

  it('incomplete set and plain runc: fails with the setup script as the fix', async () => {
    const result = await resultOf(checks.capabilitiesCheck, lacking);
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('CAP_SYS_RESOURCE');
    expect(result.detail).toContain('runc');
    expect(result.fix).toContain('scripts/setup-docker.sh');
  });

  it('runc-capfilter named as default but not registered as a runtime: fails', async () => {
    const result = await resultOf(checks.capabilitiesCheck, (m) => {
      lacking(m);
      dockerInfo(m, { DefaultRuntime: 'runc-capfilter', Runtimes: { runc: {} } });
    });
    expect(result.ok).toBe(false);
  });

  it('no CapBnd line: warns', async () => {
    const result = await resultOf(checks.capabilitiesCheck, (m) => (m.files['/proc/self/status'] = 'Name:\tx\n'));
    expect(result.ok).toBe('warn');
  });
});

describe('cgroup version', () => {
  it('v1 from docker info: warns', async () => {
    const result = await resultOf(checks.cgroupCheck, (m) => dockerInfo(m, { CgroupVersion: '1', CgroupDriver: 'cgroupfs' }));
    expect(result).toMatchObject({ ok: 'warn', detail: 'cgroup v1, driver cgroupfs' });
    expect(result.fix).toContain('cgroup v2');
  });

  it('without docker, falls back to /sys/fs/cgroup', async () => {
    const result = await resultOf(checks.cgroupCheck, (m) => {
      m.commands['docker info --format {{json .}}'] = failed('no daemon');
      m.paths = m.paths.filter((p) => !p.startsWith('/sys/fs/cgroup'));
    });
    expect(result).toMatchObject({ ok: 'warn', detail: 'cgroup v1' });
  });
});

describe('build tools: fail without a node image, warn with one', () => {
  const cases: Array<[string, checks.Check, (m: Machine) => void, string]> = [
    ['Go missing', checks.goCheck, (m) => delete m.commands['go version'], 'go.dev'],
    ['Go too old', checks.goCheck, (m) => (m.commands['go version'] = ok('go version go1.19.8 linux/amd64')), 'go.dev'],
    ['debootstrap missing', checks.debootstrapCheck, (m) => delete m.commands['debootstrap --version'], 'apt-get install debootstrap'],
    ['busybox missing', checks.busyboxCheck, (m) => (m.paths = m.paths.filter((p) => !p.includes('busybox'))), 'busybox-static'],
  ];
  it.each(cases)('%s, image present → warn', async (_name, check, change, fix) => {
    const result = await resultOf(check, change);
    expect(result.ok).toBe('warn');
    expect(result.detail).toContain('only needed to rebuild');
    expect(result.fix).toContain(fix);
  });
  it.each(cases)('%s, no image → fail', async (_name, check, change, fix) => {
    const result = await resultOf(check, (m) => {
      change(m);
      noNodeImage(m);
    });
    expect(result.ok).toBe(false);
    expect(result.fix).toContain(fix);
  });
  it('Go 1.24.0 is enough', async () => {
    expect((await resultOf(checks.goCheck, (m) => (m.commands['go version'] = ok('go version go1.24.0 linux/amd64')))).ok).toBe(true);
  });
  it('busybox in /usr/bin is found', async () => {
    const result = await resultOf(checks.busyboxCheck, (m) => (m.paths = ['/usr/bin/busybox']));
    expect(result).toMatchObject({ ok: true, detail: '/usr/bin/busybox' });
  });
});

describe('kind and the node image', () => {
  it('kind not built: fails with `npx lab image build`', async () => {
    const result = await resultOf(checks.kindCheck, (m) => delete m.commands[`${SETTINGS.kindPath} version`]);
    expect(result.ok).toBe(false);
    expect(result.fix).toContain('npx lab image build');
  });
  it('node image missing: fails with `npx lab image build`', async () => {
    const result = await resultOf(checks.nodeImageCheck, noNodeImage);
    expect(result.ok).toBe(false);
    expect(result.fix).toContain('npx lab image build');
  });
  it('node image without the inputs label: warns', async () => {
    const result = await resultOf(checks.nodeImageCheck, (m) => {
      m.commands[`docker image inspect --format {{json .Config.Labels}} ${SETTINGS.nodeImage}`] = ok('null');
    });
    expect(result.ok).toBe('warn');
  });
  it('node image with the inputs label: shows it', async () => {
    expect((await resultOf(checks.nodeImageCheck)).detail).toContain('abc123');
  });
});

describe('the cluster', () => {
  it('no cluster: warns with `npx lab up`, and the checks that need one are skipped', async () => {
    const noCluster = (m: Machine) => (m.cluster = { exists: false, healthy: false, problems: [], nodes: [], apiServer: false, containers: [] });
    const exists = await resultOf(checks.clusterExistsCheck, noCluster);
    expect(exists).toMatchObject({ ok: 'warn', fix: '`npx lab up`' });
    for (const check of [checks.containersRunningCheck, checks.apiServerCheck, checks.nodesReadyCheck, checks.builtinControllersCheck]) {
      expect(await runCheck(check, noCluster)).toEqual({ name: check.name, skipped: 'no cluster' });
    }
  });

  it('a stopped node container: fails naming it', async () => {
    const result = await resultOf(checks.containersRunningCheck, (m) => (m.cluster.containers[2]!.running = false));
    expect(result.ok).toBe(false);
    expect(result.detail).toBe('not running: lab-worker2');
    expect(result.fix).toContain('docker start lab-worker2');
  });

  it('API server down: fails with the problem; nodes Ready is skipped', async () => {
    const change = (m: Machine) => {
      m.cluster.apiServer = false;
      m.cluster.problems = ['the API server does not answer: connection refused'];
    };
    const api = await resultOf(checks.apiServerCheck, change);
    expect(api).toMatchObject({ ok: false, detail: 'the API server does not answer: connection refused' });
    expect('skipped' in (await runCheck(checks.nodesReadyCheck, change))).toBe(true);
  });

  it('a NotReady node: fails naming it', async () => {
    const result = await resultOf(checks.nodesReadyCheck, (m) => (m.cluster.nodes[1]!.ready = false));
    expect(result).toMatchObject({ ok: false, detail: 'not Ready: lab-worker' });
  });

  it.each([
    [true, true, true, 'on'],
    [false, false, true, 'off'],
    [true, false, 'warn', 'mixed'],
    [false, true, 'warn', 'mixed'],
  ] as const)('built-in controllers deployment=%s replicaset=%s → %s', async (deploymentController, replicasetController, expected, word) => {
    const result = await resultOf(checks.builtinControllersCheck, (m) => (m.builtin = { deploymentController, replicasetController, controllersFlag: 'x' }));
    expect(result.ok).toBe(expected);
    expect(result.detail.startsWith(word)).toBe(true);
    if (expected === 'warn') expect(result.fix).toContain('npx lab controllers builtin');
  });

  it('built-in controllers unreadable: fails', async () => {
    const result = await resultOf(checks.builtinControllersCheck, (m) => (m.builtin = new Error('cannot read manifest')));
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('cannot read manifest');
  });
});

describe('disk space', () => {
  it('under 20 GiB: warns', async () => {
    const result = await resultOf(checks.cacheDiskCheck, (m) => (m.free['/cache'] = 19.5 * GIB));
    expect(result).toMatchObject({ ok: 'warn', detail: '19.5 GiB free under /cache' });
  });
  it('Docker\'s space is measured at DockerRootDir from docker info', async () => {
    const result = await resultOf(checks.dockerDiskCheck, (m) => (m.free['/srv/docker'] = 5 * GIB));
    expect(result.detail).toBe('5.0 GiB free under /srv/docker');
    expect(result.ok).toBe('warn');
  });
  it('without docker info, /var/lib/docker', async () => {
    const result = await resultOf(checks.dockerDiskCheck, (m) => (m.commands['docker info --format {{json .}}'] = failed('down')));
    expect(result.detail).toContain('/var/lib/docker');
  });
  it('unknown free space: warns', async () => {
    const result = await resultOf(checks.cacheDiskCheck, (m) => delete m.free['/cache']);
    expect(result.ok).toBe('warn');
  });
});

describe('runDoctor', () => {
  it('runs every check in order; a healthy machine exits 0', async () => {
    const report = await runDoctor(probesFor(healthyMachine()), SETTINGS);
    expect(report.checks.map((c) => c.name)).toEqual(checks.CHECKS.map((c) => c.name));
    expect(report.failed).toBe(0);
    expect(doctorExitCode(report)).toBe(0);
  });

  it('fetches docker info and the cluster health only once', async () => {
    const probes = probesFor(healthyMachine());
    await runDoctor(probes, SETTINGS);
    expect(probes.calls.filter((c) => c === 'docker info --format {{json .}}')).toHaveLength(1);
    expect(probes.calls.filter((c) => c === 'clusterHealth')).toHaveLength(1);
  });

  it('warnings alone exit 0; a failure exits 1', async () => {
    const m = healthyMachine();
    m.free['/cache'] = GIB;
    const warned = await runDoctor(probesFor(m), SETTINGS);
    expect([warned.warnings, warned.failed, doctorExitCode(warned)]).toEqual([1, 0, 0]);
    m.node = '20.20.2';
    const broken = await runDoctor(probesFor(m), SETTINGS);
    expect([broken.failed, doctorExitCode(broken)]).toEqual([1, 1]);
  });

  it('a probe that throws is a failed check, not a crash', async () => {
    const probes = probesFor(healthyMachine());
    probes.clusterHealth = async () => {
      throw new Error('docker ps exploded');
    };
    const report = await runDoctor(probes, SETTINGS);
    expect(report.checks.find((c) => c.name === 'cluster exists')).toMatchObject({ ok: false, detail: 'docker ps exploded' });
    expect(doctorExitCode(report)).toBe(1);
  });

  it('formatReport prints marks, fixes and skipped checks', async () => {
    const m = healthyMachine();
    m.node = '20.20.2';
    m.cluster = { exists: false, healthy: false, problems: [], nodes: [], apiServer: false, containers: [] };
    const text = formatReport(await runDoctor(probesFor(m), SETTINGS), new Chalk({ level: 0 }));
    expect(text).toContain('✗ Node.js >= 22.19: Node 20.20.2');
    expect(text).toContain('    fix: run the lab through npm');
    expect(text).toContain('! cluster exists: no cluster "lab" yet');
    expect(text).toContain('- nodes Ready: skipped (no cluster)');
    expect(text).toContain('✓ docker CLI');
    expect(text).toMatch(/1 check failed, 1 warning$/);
  });
});

describe('online or offline', () => {
  const online = (m: Machine) => {
    for (const r of m.registries) Object.assign(r, { reachable: true, detail: 'HTTP 401', ms: 90 });
  };
  /** A laptop with Docker Desktop and the internet: no Go, no debootstrap, no busybox, no kind yet. */
  const laptop = (m: Machine) => {
    online(m);
    delete m.commands['go version'];
    delete m.commands['debootstrap --version'];
    delete m.commands[`${SETTINGS.kindPath} version`];
    m.paths = m.paths.filter((p) => !p.includes('busybox'));
    noNodeImage(m);
    m.cluster = { ...m.cluster, exists: false, healthy: false, containers: [], nodes: [] };
  };

  it('offline (no registry answers) says so, why, and that the images are built here', async () => {
    const result = await resultOf(checks.imagesCheck);
    expect(result.ok).toBe(true);
    expect(result.detail).toMatch(/^offline: no registry to pull from: registry-1\.docker\.io did not \(ENOTFOUND\), registry\.k8s\.io did not \(no answer within 3 s\)/);
  });

  it('online: kind\'s pinned image and agnhost from registry.k8s.io', async () => {
    const result = await resultOf(checks.imagesCheck, online);
    expect(result.detail).toMatch(/^online: the registries answered: .*kind pulls kindest\/node:v1\.34\.0@sha256:[0-9a-f]{64}, the nodes pull registry\.k8s\.io\/e2e-test-images\/agnhost:2\.56$/);
  });

  it('a laptop online fails no check: build tools are not needed, kind is downloaded by `lab up`', async () => {
    const m = healthyMachine();
    laptop(m);
    const report = await runDoctor(probesFor(m), SETTINGS);
    expect(doctorExitCode(report)).toBe(0);
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(byName['Go >= 1.24 (to build the image)']).toMatchObject({ ok: 'warn', detail: expect.stringContaining('not needed online') });
    expect(byName['kind']).toMatchObject({ ok: 'warn', fix: expect.stringContaining('`npx lab up` downloads kind v0.30.0') });
    expect(byName['node image']).toMatchObject({ ok: true, detail: expect.stringContaining('kindest/node:v1.34.0@sha256:') });
  });

  it('the same laptop offline fails, and says how to get the images', async () => {
    const m = healthyMachine();
    laptop(m);
    for (const r of m.registries) Object.assign(r, { reachable: false, detail: 'ENOTFOUND' });
    m.commands[`docker image inspect --format {{.Id}} ${SETTINGS.workloadImage}`] = failed('Error: No such image');
    const report = await runDoctor(probesFor(m), SETTINGS);
    expect(doctorExitCode(report)).toBe(1);
    const workload = report.checks.find((c) => c.name === 'workload image') as CheckResult;
    expect(workload).toMatchObject({ ok: false, detail: `${SETTINGS.workloadImage} is not in Docker, and no registry can serve it` });
    expect(workload.fix).toContain('npx lab image load FILE');
  });

  it('LAB_IMAGE_MODE skips the probe', async () => {
    const probes = probesFor(healthyMachine());
    const result = await checks.imagesCheck.run(createContext(probes, { ...SETTINGS, imageMode: 'online' }));
    expect(result).toMatchObject({ ok: true, detail: expect.stringMatching(/^online: chosen by LAB_IMAGE_MODE=online/) });
    expect(probes.calls).not.toContain('registries');
  });
});

describe('a check that throws', () => {
  it('a lab error (a bad LAB_IMAGE_MODE) fails the check with its own fix; the doctor goes on', async () => {
    const report = await runDoctor(probesFor(healthyMachine()), { ...SETTINGS, imageMode: 'bogus' });
    const images = report.checks.find((c) => c.name === 'images: online or offline') as CheckResult;
    expect(images).toMatchObject({ ok: false, detail: 'LAB_IMAGE_MODE=bogus is not a mode' });
    expect(images.fix).toContain('LAB_IMAGE_MODE=online');
    expect(report.checks.at(-1)?.name).toBe('disk space: Docker');
  });
});
