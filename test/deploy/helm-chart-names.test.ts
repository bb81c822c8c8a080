import { describe, expect, it } from 'vitest';
import { type Manifest, renderChart } from '../helpers/k8s-manifests.js';
import { K8S_TOOLS_RUN_HERE } from '../helpers/k8s-tools.js';

// Kubernetes' own name rules (apimachinery validation): a Service is a DNS-1035 label; a StatefulSet's name
// also goes into its pods' controller-revision-hash label (<name>-<10-char hash>), so 52 at most (and the
// SandboxTemplate names the same pod); the others are DNS-1123 subdomains.
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const MAX_NAME: Record<string, number> = { StatefulSet: 52, SandboxTemplate: 52, Service: 63 };

const LONG_RELEASE = 'team-platform-engineering-production-1';
const ALL_ON = ['egress.enabled=true', 'sandboxTemplate.enabled=true', 'credentials.apiKey=x', 'ssh.enabled=true', 'ssh.authorizedKeys=k'];

/** Every object's name is valid for its kind, and no two objects of a kind share one. */
function expectValidUniqueNames(manifests: Manifest[]): void {
  const seen = new Set<string>();
  for (const m of manifests) {
    const { name } = m.metadata;
    const id = `${m.kind}/${name}`;
    expect(seen.has(id), `${id} rendered twice`).toBe(false);
    seen.add(id);
    expect(name, id).toMatch(m.kind === 'Service' ? DNS1035_LABEL : DNS1123_SUBDOMAIN);
    expect(name.length, id).toBeLessThanOrEqual(MAX_NAME[m.kind] ?? 253);
  }
}

/** helm's message when it refuses the values; fails the test when helm renders them. */
function refusal(sets: string[], release = 'team'): string {
  try {
    renderChart(release, sets);
  } catch (error) {
    return String((error as { stderr?: string }).stderr);
  }
  throw new Error(`helm accepted ${sets.join(' ')}`);
}

describe.skipIf(!K8S_TOOLS_RUN_HERE)('the Helm chart: names and refused values', () => {
  it('gives each agent of a long release its own valid name: the prefix cut, a short hash, the agent name whole', () => {
    const manifests = renderChart(LONG_RELEASE, ['agents[0].name=api', 'agents[1].name=web', ...ALL_ON]);
    expectValidUniqueNames(manifests);
    const sets = manifests.filter((m) => m.kind === 'StatefulSet').map((m) => m.metadata.name);
    expect(sets).toHaveLength(2);
    expect(sets[0]).toMatch(/^team-platform-engineering-production-1-[a-z0-9-]*-[0-9a-f]{6}-api$/);
    expect(sets[1]).toMatch(/-web$/);
    // The pods' Services select the pods they are named for.
    const services = manifests.filter((m) => m.kind === 'Service' && m.spec.clusterIP === 'None');
    expect(services.map((s) => s.spec.selector['agentgate.dev/agent'])).toEqual(['api', 'web']);
  });

  it('keeps two long releases that differ only past the cut apart, and leaves names that fit unchanged', () => {
    const a = renderChart(`${LONG_RELEASE}-aaaaaaaaa-x`, ALL_ON);
    const b = renderChart(`${LONG_RELEASE}-aaaaaaaaa-y`, ALL_ON);
    for (const ms of [a, b]) expectValidUniqueNames(ms);
    const names = (ms: Manifest[]) => ms.map((m) => `${m.kind}/${m.metadata.name}`);
    for (const name of names(a)) expect(names(b)).not.toContain(name);
    expect(names(renderChart('team', ALL_ON))).toEqual(
      expect.arrayContaining(['StatefulSet/team-agentgate-agent-main', 'Service/team-agentgate-agent-egress', 'Secret/team-agentgate-agent-credentials']),
    );
  });

  it('refuses two agents of one name, and an agent named like the egress proxy', () => {
    expect(refusal(['agents[0].name=api', 'agents[1].name=api'])).toMatch(/agents\[1\]\.name "api" is also agents\[0\]'s/);
    expect(refusal(['agents[0].name=egress'])).toMatch(/agents\[0\]\.name "egress"/);
  });

  it('refuses resource quantities Kubernetes cannot read, naming the value', () => {
    expect(refusal(['agentDefaults.resources.limits.memory=lots'])).toMatch(/agentDefaults\/resources\/limits\/memory/);
    expect(refusal(['agents[0].name=main', 'agents[0].resources.requests.cpu=fast'])).toMatch(/agents\/0\/resources\/requests\/cpu/);
    expect(refusal(['agentDefaults.tmpSizeLimit=plenty'])).toMatch(/agentDefaults\/tmpSizeLimit/);
    expect(refusal(['agentDefaults.homeSizeLimit=1 Gi'])).toMatch(/agentDefaults\/homeSizeLimit/);
    expect(refusal(['egress.resources.limits.memory=lots'])).toMatch(/egress\/resources\/limits\/memory/);
    // What Kubernetes reads is still taken: plain numbers, millicores, a GPU count.
    const ok = renderChart('team', ['agentDefaults.resources.limits.cpu=1.5', 'agentDefaults.resources.requests.cpu=250m', 'agents[0].name=main', 'agents[0].resources.limits.nvidia\\.com/gpu=1']);
    expect(ok.find((m) => m.kind === 'StatefulSet')?.spec.template.spec.containers[0].resources.limits).toEqual({ cpu: '1.5', memory: '4Gi', 'nvidia.com/gpu': 1 });
  });

  it('refuses a fullnameOverride or release name that cannot name a Service', () => {
    expect(refusal(['fullnameOverride=My.Agents'])).toMatch(/fullnameOverride/);
    expect(refusal(['nameOverride=Agents'])).toMatch(/nameOverride/);
    expect(refusal([], 'my.team')).toMatch(/release name "my\.team"/);
    expect(refusal([], '1team')).toMatch(/release name "1team"/);
  });

  it('refuses podLabels that redefine a label the chart sets (the selectors would miss the pod)', () => {
    for (const key of ['app.kubernetes.io/component', 'app.kubernetes.io/name', 'app.kubernetes.io/instance', 'agentgate.dev/agent', 'helm.sh/chart']) {
      const escaped = key.replaceAll('.', '\\.');
      expect(refusal([`agentDefaults.podLabels.${escaped}=x`])).toContain(`agentDefaults.podLabels sets ${key}`);
      expect(refusal(['agents[0].name=main', `agents[0].podLabels.${escaped}=x`])).toContain(`agents[0].podLabels sets ${key}`);
    }
    expect(refusal(['agents[0].name=main', 'agents[0].podAnnotations.agentgate\\.dev/attach=x'])).toContain('agents[0].podAnnotations sets agentgate.dev/attach');
    expect(refusal(['agentDefaults.podLabels.team=a b'])).toMatch(/agentDefaults\/podLabels\/team/);
    // A label of the user's own still reaches the pod.
    const sts = renderChart('team', ['agentDefaults.podLabels.team=platform']).find((m) => m.kind === 'StatefulSet');
    expect(sts?.spec.template.metadata.labels).toMatchObject({ team: 'platform', 'app.kubernetes.io/component': 'agent' });
  });

  it("refuses a stop timeout the supervisor would refuse (the pod would never be ready)", () => {
    expect(refusal(['agentDefaults.stopTimeoutMs=1500'])).toMatch(/agentDefaults\/stopTimeoutMs/);
    expect(refusal(['agents[0].name=main', 'agents[0].stopTimeoutMs=4000000'])).toMatch(/agents\/0\/stopTimeoutMs/);
    expect(refusal(['agents[0].name=main', 'agents[0].env.AGENTGATE_STOP_TIMEOUT_MS=1500'])).toMatch(/agents\[0\]\.env sets AGENTGATE_STOP_TIMEOUT_MS.*stopTimeoutMs/);
  });
});
