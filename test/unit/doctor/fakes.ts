// Fake probes for the doctor: a healthy machine by default; each test changes one fact.
import type { ClusterHealth } from '../../../lab/cluster/health.js';
import type { BuiltinControllersState } from '../../../lab/cluster/builtin-controllers.js';
import type { RegistryProbe } from '../../../lab/cluster/registry-probe.js';
import type { CommandOutput, DockerInfo, DoctorProbes, DoctorSettings } from '../../../lab/doctor/types.js';

export const SETTINGS: DoctorSettings = {
  clusterName: 'lab',
  kindPath: '/cache/bin/kind',
  nodeImage: 'lab.local/kind-node:v1.34.4',
  cacheDir: '/cache',
  dockerRootDir: '/var/lib/docker',
  workloadImage: 'registry.k8s.io/e2e-test-images/agnhost:2.56',
};

export const GIB = 1024 ** 3;

export interface Machine {
  node: string;
  /** Program output by 'file arg1 arg2'; absent = not installed. */
  commands: Record<string, CommandOutput>;
  files: Record<string, string>;
  paths: string[];
  free: Record<string, number>;
  cluster: ClusterHealth;
  builtin: BuiltinControllersState | Error;
  /** Which registries answer (none by default: an offline machine). */
  registries: RegistryProbe[];
}

export const ok = (stdout: string): CommandOutput => ({ exitCode: 0, stdout, stderr: '' });
export const failed = (stderr: string, exitCode = 1): CommandOutput => ({ exitCode, stdout: '', stderr });

export const DOCKER_INFO: DockerInfo = {
  ServerVersion: '28.2.2',
  DefaultRuntime: 'runc',
  Runtimes: { runc: { path: 'runc' } },
  CgroupVersion: '2',
  CgroupDriver: 'systemd',
  DockerRootDir: '/srv/docker',
};

export function healthyCluster(): ClusterHealth {
  const containers = [
    { name: 'lab-control-plane', role: 'control-plane' as const, running: true, image: SETTINGS.nodeImage },
    { name: 'lab-worker', role: 'worker' as const, running: true, image: SETTINGS.nodeImage },
    { name: 'lab-worker2', role: 'worker' as const, running: true, image: SETTINGS.nodeImage },
  ];
  return {
    exists: true,
    healthy: true,
    problems: [],
    apiServer: true,
    containers,
    nodes: containers.map((c) => ({ name: c.name, role: c.role, container: 'running' as const, ready: true as boolean | 'unknown' })),
  };
}

export function healthyMachine(): Machine {
  return {
    node: '22.19.0',
    commands: {
      'docker --version': ok('Docker version 28.2.2, build e6534b4'),
      'docker info --format {{json .}}': ok(JSON.stringify(DOCKER_INFO)),
      [`docker image inspect --format {{json .Config.Labels}} ${SETTINGS.nodeImage}`]: ok('{"k8s-flow-lab.inputs":"abc123"}'),
      'go version': ok('go version go1.24.2 linux/amd64'),
      'debootstrap --version': ok('debootstrap 1.0.128'),
      [`${SETTINGS.kindPath} version`]: ok('kind v0.30.0 go1.24.2 linux/amd64'),
      [`docker image inspect --format {{.Id}} ${SETTINGS.workloadImage}`]: ok('sha256:64d33f3c0cf8aaaaaaaaaaaaaaaa'),
    },
    files: {
      '/proc/self/status': 'Name:\tnode\nCapBnd:\t000001ffffffffff\n',
      '/proc/sys/kernel/cap_last_cap': '40\n',
    },
    paths: ['/bin/busybox', '/sys/fs/cgroup/cgroup.controllers'],
    free: { '/cache': 100 * GIB, '/srv/docker': 100 * GIB, '/var/lib/docker': 100 * GIB },
    cluster: healthyCluster(),
    builtin: { deploymentController: false, replicasetController: false, controllersFlag: '*,-deployment-controller,-replicaset-controller' },
    registries: [
      { registry: 'registry-1.docker.io', url: 'https://registry-1.docker.io/v2/', reachable: false, detail: 'ENOTFOUND', ms: 20 },
      { registry: 'registry.k8s.io', url: 'https://registry.k8s.io/v2/', reachable: false, detail: 'no answer within 3 s', ms: 3000 },
    ],
  };
}

export function probesFor(m: Machine): DoctorProbes & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    nodeVersion: () => m.node,
    run: async (file, args) => {
      const key = [file, ...args].join(' ');
      calls.push(key);
      return m.commands[key];
    },
    readFile: async (path) => m.files[path],
    exists: (path) => m.paths.includes(path),
    freeBytes: async (path) => m.free[path],
    clusterHealth: async () => {
      calls.push('clusterHealth');
      return m.cluster;
    },
    builtinControllers: async () => {
      if (m.builtin instanceof Error) throw m.builtin;
      return m.builtin;
    },
    registries: async () => {
      calls.push('registries');
      return m.registries;
    },
  };
}
