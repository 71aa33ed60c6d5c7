import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../exec.js';
import { cacheDir, KIND_VERSION, KUBERNETES_VERSION, REPO_ROOT } from '../paths.js';
import { InputHash } from './hash.js';

/**
 * The Go programs of the node image, built from Go modules in groups that share a go.mod under
 * scripts/node-image/go. Each group's output directory is keyed by the hash of its inputs
 * (sources, go.mod/go.sum, Go version, flags), so an unchanged group is never rebuilt; Go's own
 * module and build caches make a changed group's rebuild incremental.
 */
export interface GoBuildGroup {
  name: string;
  /** Module directory under scripts/node-image/go, or undefined for `go install pkg@version`. */
  moduleDir?: string;
  /** Packages to build (import paths or ./relative to moduleDir). */
  packages: string[];
  ldflags: string;
  /** Compile the one package's tests with `go test -c` into a binary of this name instead of `go build`. */
  testBinary?: string;
}

const GO_ROOT = join(REPO_ROOT, 'scripts', 'node-image', 'go');

function kubernetesLdflags(version: string): string {
  const [major, minor] = version.replace(/^v/, '').split('.');
  const vars = ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version'].flatMap((pkg) => [
    `-X ${pkg}.gitVersion=${version}`,
    `-X ${pkg}.gitMajor=${major}`,
    `-X ${pkg}.gitMinor=${minor}`,
    `-X ${pkg}.gitTreeState=clean`,
    `-X ${pkg}.buildDate=1970-01-01T00:00:00Z`,
  ]);
  return ['-s', '-w', ...vars].join(' ');
}

export const GO_GROUPS: GoBuildGroup[] = [
  {
    name: 'kubernetes',
    moduleDir: 'k8s',
    packages: [
      'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'kubelet', 'kubeadm', 'kubectl',
    ].map((cmd) => `k8s.io/kubernetes/cmd/${cmd}`).concat(['./cmd/labnet']),
    ldflags: kubernetesLdflags(KUBERNETES_VERSION),
  },
  { name: 'etcd', moduleDir: 'etcd', packages: ['./cmd/etcd', './cmd/etcdctl'], ldflags: '-s -w' },
  { name: 'coredns', moduleDir: 'coredns', packages: ['.'], ldflags: '-s -w' },
  { name: 'tools', moduleDir: 'tools', packages: ['./cmd/pause', './cmd/runc-capfilter'], ldflags: '-s -w' },
  { name: 'kind', packages: [`sigs.k8s.io/kind@${KIND_VERSION}`], ldflags: '-s -w' },
];

/**
 * agnhost, the workload image's program: upstream's test/images/agnhost from the same
 * k8s.io/kubernetes version, in a module of its own so that it never changes the node image's inputs.
 */
export const AGNHOST_GROUP: GoBuildGroup = { name: 'agnhost', moduleDir: 'agnhost', packages: ['k8s.io/kubernetes/test/images/agnhost'], ldflags: '-s -w' };

/**
 * e2e.test, upstream's Ginkgo e2e suite (test/e2e of the same k8s.io/kubernetes version) for
 * `lab conformance`, in a module of its own so that it never changes the node image's inputs.
 */
export const E2E_GROUP: GoBuildGroup = {
  name: 'e2e',
  moduleDir: 'e2e',
  packages: ['k8s.io/kubernetes/test/e2e'],
  ldflags: kubernetesLdflags(KUBERNETES_VERSION),
  testBinary: 'e2e.test',
};

/** The module directory a group builds in (for `go list` questions about its dependencies). */
export function goModuleDir(group: GoBuildGroup): string {
  if (!group.moduleDir) throw new Error(`Go group ${group.name} has no module directory`);
  return join(GO_ROOT, group.moduleDir);
}

export async function goVersion(): Promise<string> {
  return (await run('go', ['version'])).stdout.trim();
}

export function groupKey(group: GoBuildGroup, goVersionText: string): string {
  const hash = new InputHash()
    .add('group', group.name)
    .add('go', goVersionText)
    .add('packages', group.packages.join(' '))
    .add('ldflags', group.ldflags);
  // Only test builds add this, so the node image's groups keep the keys they always had.
  if (group.testBinary) hash.add('test', group.testBinary);
  if (group.moduleDir) hash.addTree('module', join(GO_ROOT, group.moduleDir));
  return hash.key();
}

/** Builds one group unless its keyed output exists; returns the directory holding its binaries. */
export async function buildGoGroup(group: GoBuildGroup, goVersionText: string, log: (line: string) => void): Promise<{ dir: string; cached: boolean }> {
  const dir = join(cacheDir(), 'go', `${group.name}-${groupKey(group, goVersionText)}`);
  if (existsSync(join(dir, '.complete'))) return { dir, cached: true };
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const env = { CGO_ENABLED: '0', GOFLAGS: '-mod=mod' };
  log(`go build ${group.name}: ${group.packages.length} package(s)`);
  if (group.moduleDir && group.testBinary) {
    await run('go', ['test', '-c', '-vet=off', '-trimpath', '-ldflags', group.ldflags, '-o', join(staging, group.testBinary), ...group.packages], {
      cwd: join(GO_ROOT, group.moduleDir),
      env,
    });
  } else if (group.moduleDir) {
    await run('go', ['build', '-trimpath', '-ldflags', group.ldflags, '-o', staging + '/', ...group.packages], {
      cwd: join(GO_ROOT, group.moduleDir),
      env,
    });
  } else {
    await run('go', ['install', '-trimpath', '-ldflags', group.ldflags, ...group.packages], {
      env: { ...env, GOFLAGS: '', GOBIN: staging },
    });
  }
  writeFileSync(join(staging, '.complete'), new Date().toISOString());
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return { dir, cached: false };
}

export function binariesIn(dir: string): string[] {
  return readdirSync(dir).filter((name) => !name.startsWith('.'));
}
