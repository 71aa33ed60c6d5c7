import { describe, expect, it } from 'vitest';
import { kubectlArgv, passthroughInvocation } from '../../../lab/cluster/kubectl.js';

describe('kubectlArgv', () => {
  it('puts the lab kubeconfig before the caller arguments, unchanged', () => {
    expect(kubectlArgv(['apply', '-f', '-'], '/lab/kubeconfig')).toEqual(['--kubeconfig', '/lab/kubeconfig', 'apply', '-f', '-']);
  });
});

describe('passthroughInvocation (lab kubectl)', () => {
  const call = passthroughInvocation(['apply', '-f', '-'], { kubectl: '/tools/kubectl', kubeconfig: '/lab/kubeconfig' });

  it('runs the given kubectl with the lab kubeconfig and the arguments after --', () => {
    expect(call.file).toBe('/tools/kubectl');
    expect(call.args).toEqual(['--kubeconfig', '/lab/kubeconfig', 'apply', '-f', '-']);
  });

  it('inherits stdin, stdout and stderr, so a piped manifest reaches `apply -f -` and output streams', () => {
    expect(call.options.stdio).toBe('inherit');
    expect(call.options).not.toHaveProperty('input');
  });

  it('does not reject on a non-zero exit: the exit code is kubectl\'s to pass on', () => {
    expect(call.options.reject).toBe(false);
  });
});

describe('lab node exec in the foreground', () => {
  it('passes stdin on, and asks for a TTY only when it has one', async () => {
    const { foregroundExecArgs } = await import('../../../lab/cluster/nodes.js');
    expect(foregroundExecArgs('lab-worker', ['sh', '-c', 'cat > /tmp/x'], false)).toEqual(['exec', '-i', 'lab-worker', 'sh', '-c', 'cat > /tmp/x']);
    expect(foregroundExecArgs('lab-worker', ['bash'], true)).toEqual(['exec', '-it', 'lab-worker', 'bash']);
  });
});
