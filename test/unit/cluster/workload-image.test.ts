import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { withPlaceholders } from '../../../lab/exercises/action-schema.js';
import { AGNHOST_IMAGE, deploymentManifest, kubectlCommandSuffix, resolveWorkloadImage, workloadContainer, workloadDeployment } from '../../../lab/cluster/workload-image.js';

describe('the workload image', () => {
  it('is agnhost 2.56 serving netexec on 8080 unless LAB_WORKLOAD_IMAGE says otherwise', () => {
    expect(resolveWorkloadImage({})).toEqual({ image: AGNHOST_IMAGE, args: ['netexec', '--http-port=8080'], source: 'default' });
    expect(resolveWorkloadImage({ LAB_WORKLOAD_IMAGE: 'registry.k8s.io/e2e-test-images/agnhost:2.55' }).args).toEqual(['netexec', '--http-port=8080']);
    expect(resolveWorkloadImage({ LAB_WORKLOAD_IMAGE: ' my.registry/web:1 ' })).toEqual({ image: 'my.registry/web:1', args: [], source: 'LAB_WORKLOAD_IMAGE' });
    expect(resolveWorkloadImage({ LAB_WORKLOAD_IMAGE: '' }).image).toBe(AGNHOST_IMAGE);
  });

  it('builds the container every component uses, with the readiness probe on /healthz when asked', () => {
    expect(workloadContainer({ ready: true, env: [{ name: 'VERSION', value: '2' }] })).toEqual({
      name: 'web', image: AGNHOST_IMAGE, args: ['netexec', '--http-port=8080'], ports: [{ containerPort: 8080 }],
      readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 }, env: [{ name: 'VERSION', value: '2' }],
    });
    const other = workloadContainer({}, resolveWorkloadImage({ LAB_WORKLOAD_IMAGE: 'nginx:1.27' }));
    expect(other).toEqual({ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 8080 }] });
  });

  it('kubectl create deployment gets the command only for agnhost', () => {
    expect(kubectlCommandSuffix(resolveWorkloadImage({}))).toBe(' -- /agnhost netexec --http-port=8080');
    expect(kubectlCommandSuffix(resolveWorkloadImage({ LAB_WORKLOAD_IMAGE: 'nginx:1.27' }))).toBe('');
  });

  it('fills an exercise manifest so that it parses into a container running the image with its args', () => {
    const manifest = [
      'apiVersion: v1', 'kind: Pod', 'metadata: {name: p, namespace: "{{namespace}}"}', 'spec:', '  containers:',
      '    - name: web', "      image: '{{image}}'", '      args: {{imageArgs}}',
    ].join('\n');
    const filled = withPlaceholders({ type: 'apply', manifest }, 'ex-1');
    const pod = parse(filled.manifest) as { metadata: { namespace: string }; spec: { containers: { image: string; args: string[] }[] } };
    expect(pod.metadata.namespace).toBe('ex-1');
    expect(pod.spec.containers[0]).toEqual({ name: 'web', image: AGNHOST_IMAGE, args: ['netexec', '--http-port=8080'] });
    const plain = parse(withPlaceholders(manifest, 'ex-1', resolveWorkloadImage({ LAB_WORKLOAD_IMAGE: 'nginx:1.27' }))) as typeof pod;
    expect(plain.spec.containers[0]).toEqual({ name: 'web', image: 'nginx:1.27', args: [] });
  });

  it('fills a kubectl line shown to the learner', () => {
    expect(withPlaceholders('kubectl create deployment web -n {{namespace}} --image={{image}} --replicas=3{{imageCommand}}', 'ex-2'))
      .toBe(`kubectl create deployment web -n ex-2 --image=${AGNHOST_IMAGE} --replicas=3 -- /agnhost netexec --http-port=8080`);
  });

  it('builds the Deployment compare, demo and bench create: web, labelled app=web, the side\'s scheduler', () => {
    expect(deploymentManifest('cmp-lab', 3, 'lab-scheduler')).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'cmp-lab', labels: { app: 'web' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { schedulerName: 'lab-scheduler', terminationGracePeriodSeconds: 1, containers: [workloadContainer()] } },
      },
    });
  });

  it('a test\'s Deployment: its own name and labels, a strategy, a node selector and container options where given', () => {
    const strategy = { type: 'Recreate' };
    const d = workloadDeployment({ namespace: 'e2e', name: 'sim', replicas: 6, schedulerName: 'lab-scheduler', strategy, nodeSelector: { type: 'kwok' }, container: { ready: true } }) as {
      metadata: { name: string; labels: Record<string, string> };
      spec: { strategy?: unknown; selector: unknown; template: { metadata: unknown; spec: { nodeSelector?: unknown; containers: unknown[] } } };
    };
    expect(d.metadata).toMatchObject({ name: 'sim', labels: { app: 'sim' } });
    expect(d.spec.selector).toEqual({ matchLabels: { app: 'sim' } });
    expect(d.spec.strategy).toBe(strategy);
    expect(d.spec.template.spec.nodeSelector).toEqual({ type: 'kwok' });
    expect(d.spec.template.spec.containers).toEqual([workloadContainer({ ready: true })]);
    expect('strategy' in (deploymentManifest('x', 1, 's') as { spec: object }).spec).toBe(false);
  });
});
