import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { NetworkPolicy, NetworkPolicySpec } from 'kubernetes-models/networking.k8s.io/v1';
import { PersistentVolumeClaim, PodTemplateSpec, Secret, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './containers.js';
import { k8sTools } from './k8s-tools.js';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  // Free-form here: the schema and the types below are what check it.
  spec?: any;
  data?: Record<string, string>;
}

/** `helm template` with --set arguments; throws with helm's own message when it refuses. */
export function renderChart(release: string, sets: string[] = [], extra: string[] = []): Manifest[] {
  const chart = join(ROOT, 'deploy', 'helm', 'agentgate-agent');
  const args = ['template', release, chart, '--namespace', 'agents', ...sets.flatMap((s) => ['--set', s]), ...extra];
  const out = execFileSync(k8sTools().helm, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return parseManifests(out);
}

/** YAML documents, strictly: a duplicated key (which the API server would resolve silently) is an error. */
export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text, { uniqueKeys: true })
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

/** The Kubernetes API's published OpenAPI schema (compiled for ajv by kubernetes-models): throws when violated. */
export function validateAgainstSchema(m: Manifest): void {
  const models: Record<string, new (data: never) => { validate(): void }> = {
    'apps/v1/StatefulSet': StatefulSet,
    'apps/v1/Deployment': Deployment,
    'v1/Service': Service,
    'v1/Secret': Secret,
    'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  };
  const key = `${m.apiVersion}/${m.kind}`;
  if (key === 'extensions.agents.x-k8s.io/v1beta1/SandboxTemplate') {
    // agent-sandbox's CRD embeds core types: each part is checked against the core schema it names.
    new PodTemplateSpec(m.spec.podTemplate as never).validate();
    for (const claim of m.spec.volumeClaimTemplates ?? []) new PersistentVolumeClaim(claim as never).validate();
    if (m.spec.networkPolicy) new NetworkPolicySpec({ podSelector: {}, ...m.spec.networkPolicy } as never).validate();
    return;
  }
  const Model = models[key];
  if (!Model) throw new Error(`no schema for ${key}`);
  new Model(m as never).validate();
}

const TYPE_OF: Record<string, string> = {
  'apps/v1/StatefulSet': "import('kubernetes-types/apps/v1').StatefulSet",
  'apps/v1/Deployment': "import('kubernetes-types/apps/v1').Deployment",
  'v1/Service': "import('kubernetes-types/core/v1').Service",
  'v1/Secret': "import('kubernetes-types/core/v1').Secret",
  'networking.k8s.io/v1/NetworkPolicy': "import('kubernetes-types/networking/v1').NetworkPolicy",
  'extensions.agents.x-k8s.io/v1beta1/SandboxTemplate': 'SandboxTemplate',
};

/**
 * Type-checks the manifests against the API's TypeScript types (kubernetes-types) with tsc: an object literal
 * with a field the type does not have fails, which the OpenAPI schema (open to unknown fields) lets through.
 * Returns tsc's output; empty when every manifest type-checks.
 */
export function typeCheckManifests(name: string, manifests: Manifest[]): string {
  // Inside the repository (beside node_modules, which resolves the types), ignored by git.
  const dir = join(ROOT, '.tmp', 'k8s-typecheck');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.ts`);
  const lines = [
    "import type { ObjectMeta } from 'kubernetes-types/meta/v1';",
    "import type { PersistentVolumeClaim, PodTemplateSpec } from 'kubernetes-types/core/v1';",
    "import type { NetworkPolicyEgressRule, NetworkPolicyIngressRule } from 'kubernetes-types/networking/v1';",
    '// agent-sandbox v1beta1 SandboxTemplate (sigs.k8s.io/agent-sandbox/extensions/api/v1beta1): core types inside.',
    'type SandboxTemplate = {',
    "  apiVersion: 'extensions.agents.x-k8s.io/v1beta1'; kind: 'SandboxTemplate'; metadata: ObjectMeta;",
    '  spec: { podTemplate: PodTemplateSpec; volumeClaimTemplates?: PersistentVolumeClaim[];',
    '    networkPolicy?: { ingress?: NetworkPolicyIngressRule[]; egress?: NetworkPolicyEgressRule[] };',
    "    networkPolicyManagement?: 'Managed' | 'Unmanaged' };",
    '};',
    ...manifests.map((m, i) => {
      const type = TYPE_OF[`${m.apiVersion}/${m.kind}`];
      if (!type) throw new Error(`no type for ${m.apiVersion}/${m.kind}`);
      return `export const m${i}: ${type} = ${JSON.stringify(m, null, 1)};`;
    }),
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
  try {
    execFileSync(tsc, ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'preserve', '--moduleResolution', 'bundler', file], { encoding: 'utf8', stdio: 'pipe' });
    return '';
  } catch (error) {
    return String((error as { stdout?: string }).stdout ?? error);
  }
}
