import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, stringify, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { BadInputError } from '../base/errors.js';
import { auditDir, REPO_ROOT, stateDir } from './paths.js';

/**
 * kind-config.yaml: read, checked, and rendered with absolute paths for kind.
 * Only the fields the lab relies on are checked; kind validates the rest itself.
 */
const nodeSchema = z
  .object({
    role: z.enum(['control-plane', 'worker']),
    image: z.string().optional(),
    extraMounts: z
      .array(z.object({ hostPath: z.string().min(1), containerPath: z.string().startsWith('/') }).passthrough())
      .optional(),
  })
  .passthrough();

export const kindConfigSchema = z
  .object({
    kind: z.literal('Cluster'),
    apiVersion: z.literal('kind.x-k8s.io/v1alpha4'),
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).optional(),
    kubeadmConfigPatches: z.array(z.string()).optional(),
    nodes: z
      .array(nodeSchema)
      .min(1)
      .refine((nodes) => nodes.some((n) => n.role === 'control-plane'), 'needs at least one node with role: control-plane'),
  })
  .passthrough();

export type KindConfig = z.infer<typeof kindConfigSchema>;

/** The cluster config; LAB_KIND_CONFIG points elsewhere (tests use it to feed a broken file). */
export const KIND_CONFIG_PATH = process.env.LAB_KIND_CONFIG ?? join(REPO_ROOT, 'kind-config.yaml');

/** Parses and checks a kind config; every problem names the file, the field and the fix. */
export function parseKindConfig(text: string, file = KIND_CONFIG_PATH): KindConfig {
  const where = relative(process.cwd(), file) || file;
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    const detail = error instanceof YAMLParseError ? error.message.split('\n')[0] : String(error);
    throw new BadInputError(`${where} is not valid YAML: ${detail}`, `fix the YAML syntax in ${where} (it must stay a kind Cluster config)`);
  }
  const result = kindConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.length ? issue.path.join('.') : '(top level)';
    throw new BadInputError(
      `${where}: ${path}: ${issue.message}`,
      `make ${where} a kind v1alpha4 Cluster config (see https://kind.sigs.k8s.io/docs/user/configuration/); \`git checkout kind-config.yaml\` restores the lab's`,
    );
  }
  for (const patch of result.data.kubeadmConfigPatches ?? []) {
    try {
      parse(patch);
    } catch (error) {
      throw new BadInputError(`${where}: kubeadmConfigPatches: a patch is not valid YAML: ${String(error).split('\n')[0]}`, `fix that patch in ${where}`);
    }
  }
  return result.data;
}

export function loadKindConfig(file = KIND_CONFIG_PATH): KindConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new BadInputError(`cannot read ${file}`, 'run the lab from its repository, or restore kind-config.yaml with `git checkout kind-config.yaml`');
  }
  return parseKindConfig(text, file);
}

/** Replaces the ${LAB_REPO} and ${LAB_AUDIT_DIR} placeholders in every extraMount hostPath. */
export function renderKindConfig(config: KindConfig, vars: { repo: string; auditDir: string; name: string }): KindConfig {
  const substitute = (value: string) => value.replaceAll('${LAB_REPO}', vars.repo).replaceAll('${LAB_AUDIT_DIR}', vars.auditDir);
  return {
    ...config,
    name: vars.name,
    nodes: config.nodes.map((node) => ({
      ...node,
      ...(node.extraMounts ? { extraMounts: node.extraMounts.map((m) => ({ ...m, hostPath: substitute(m.hostPath) })) } : {}),
    })),
  };
}

/** Writes the rendered config into the state directory and returns its path. */
export function writeRenderedKindConfig(name: string): string {
  const rendered = renderKindConfig(loadKindConfig(), { repo: REPO_ROOT, auditDir: auditDir(), name });
  mkdirSync(stateDir(), { recursive: true });
  mkdirSync(auditDir(), { recursive: true });
  const path = join(stateDir(), 'kind-config.rendered.yaml');
  writeFileSync(path, stringify(rendered));
  return path;
}

export function countNodes(config: KindConfig): { controlPlanes: number; workers: number } {
  const controlPlanes = config.nodes.filter((n) => n.role === 'control-plane').length;
  return { controlPlanes, workers: config.nodes.length - controlPlanes };
}
