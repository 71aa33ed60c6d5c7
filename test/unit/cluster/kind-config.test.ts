import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countNodes, parseKindConfig, renderKindConfig } from '../../../lab/cluster/kind-config.js';
import { REPO_ROOT } from '../../../lab/cluster/paths.js';
import { BadInputError } from '../../../lab/base/errors.js';

const shipped = readFileSync(join(REPO_ROOT, 'kind-config.yaml'), 'utf8');

describe('kind-config.yaml', () => {
  it('the shipped config has one control plane and two workers, the audit and --controllers patches', () => {
    const config = parseKindConfig(shipped);
    expect(countNodes(config)).toEqual({ controlPlanes: 1, workers: 2 });
    const patch = config.kubeadmConfigPatches?.join('\n') ?? '';
    expect(patch).toContain('controllers: "*,bootstrapsigner,tokencleaner"');
    expect(patch).toContain('audit-policy-file: /etc/kubernetes/audit/policy.yaml');
    expect(config.nodes[0]?.image).toBeUndefined();
  });

  it('renders placeholders into absolute host paths', () => {
    const rendered = renderKindConfig(parseKindConfig(shipped), { repo: '/r', auditDir: '/state/audit', name: 'lab' });
    const mounts = rendered.nodes[0]?.extraMounts ?? [];
    expect(mounts.map((m) => m.hostPath)).toEqual(['/r/manifests/audit-policy.yaml', '/state/audit']);
    expect(JSON.stringify(rendered)).not.toContain('${');
  });

  it.each([
    ['not YAML', 'kind: Cluster\n  nodes: [', /not valid YAML/],
    ['wrong kind', 'kind: Pod\napiVersion: kind.x-k8s.io/v1alpha4\nnodes: [{role: control-plane}]', /kind: .*"Cluster"/],
    ['no control plane', 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes: [{role: worker}]', /control-plane/],
    ['bad role', 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes: [{role: master}]', /nodes\.0\.role/],
    ['broken patch', 'kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nkubeadmConfigPatches: ["a: [b"]\nnodes: [{role: control-plane}]', /kubeadmConfigPatches/],
  ])('rejects %s with a BadInputError naming the problem', (_name, text, pattern) => {
    let caught: unknown;
    try {
      parseKindConfig(text, '/x/kind-config.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BadInputError);
    expect((caught as BadInputError).message).toMatch(pattern);
    expect((caught as BadInputError).exitCode).toBe(2);
    expect((caught as BadInputError).fix).toBeTruthy();
  });
});
