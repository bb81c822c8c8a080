import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/containers.js';
import { type Manifest, renderChart, typeCheckManifests, validateAgainstSchema } from '../helpers/k8s-manifests.js';
import { K8S_TOOLS_RUN_HERE, k8sTools } from '../helpers/k8s-tools.js';

const CHART = join(ROOT, 'deploy', 'helm', 'agentgate-agent');

/** Every option on at once: two agents, SSH, the egress proxy, the SandboxTemplate, chart-made secrets. */
const EVERYTHING = [
  'agents[0].name=main',
  'agents[1].name=docs',
  'agents[1].program=bash',
  'agents[1].stopTimeoutMs=12500',
  'agents[1].workspace.existingClaim=docs-project',
  'ssh.enabled=true',
  'ssh.authorizedKeys=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample user@host',
  'egress.enabled=true',
  'sandboxTemplate.enabled=true',
  'credentials.apiKey=sk-ant-test-not-a-key',
];

const SCENARIOS: Record<string, string[]> = {
  defaults: [],
  everything: EVERYTHING,
  openshift: ['agentDefaults.uid=null', 'agentDefaults.gid=null'],
};

const byKind = (ms: Manifest[], kind: string) => ms.filter((m) => m.kind === kind);
/** The i-th manifest of a kind; a missing one fails the test with its name. */
const nth = (ms: Manifest[], kind: string, i = 0): Manifest => {
  const m = byKind(ms, kind)[i];
  if (!m) throw new Error(`no ${kind} number ${i} in the rendered chart`);
  return m;
};
type PodSpec = { [key: string]: any };
const podSpecs = (ms: Manifest[]): Array<{ owner: string; spec: PodSpec }> => [
  ...ms.filter((m) => m.kind === 'StatefulSet' || m.kind === 'Deployment').map((m) => ({ owner: `${m.kind}/${m.metadata.name}`, spec: m.spec.template.spec })),
  ...byKind(ms, 'SandboxTemplate').map((m) => ({ owner: `SandboxTemplate/${m.metadata.name}`, spec: m.spec.podTemplate.spec })),
];

describe.skipIf(!K8S_TOOLS_RUN_HERE)('the Helm chart', () => {
  it('passes helm lint with every option on', () => {
    const r = spawnSync(k8sTools().helm, ['lint', '--strict', CHART, ...EVERYTHING.flatMap((s) => ['--set', s])], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });

  for (const [scenario, sets] of Object.entries(SCENARIOS)) {
    it(`renders (${scenario}) manifests valid against the Kubernetes API's schema and types`, () => {
      const manifests = renderChart('team', sets);
      expect(manifests.length).toBeGreaterThan(0);
      for (const m of manifests) expect(() => validateAgainstSchema(m), `${m.kind}/${m.metadata.name}`).not.toThrow();
      expect(typeCheckManifests(scenario, manifests)).toBe('');
    }, 60_000);
  }

  it('the type check does catch a misspelt field (which the schema lets through)', () => {
    const sts = nth(renderChart('team'), 'StatefulSet');
    sts.spec.template.spec.containers[0].securityContext.readOnlyRootFilesytem = true;
    expect(() => validateAgainstSchema(sts)).not.toThrow();
    expect(typeCheckManifests('misspelt', [sts])).toMatch(/readOnlyRootFilesytem.*does not exist/s);
  }, 60_000);

  it('runs one StatefulSet per agent, each with its own workspace and state claims (or the claim named)', () => {
    const manifests = renderChart('team', EVERYTHING);
    const sets = [nth(manifests, 'StatefulSet', 0), nth(manifests, 'StatefulSet', 1)] as const;
    expect(byKind(manifests, 'StatefulSet').map((s) => s.metadata.name)).toEqual(['team-agentgate-agent-main', 'team-agentgate-agent-docs']);
    for (const s of sets) expect(s.spec.replicas).toBe(1);
    expect(sets[0].spec.volumeClaimTemplates.map((c: Manifest) => c.metadata.name)).toEqual(['workspace', 'state']);
    expect(sets[1].spec.volumeClaimTemplates.map((c: Manifest) => c.metadata.name)).toEqual(['state']);
    const docsWorkspace = sets[1].spec.template.spec.volumes.find((v: PodSpec) => v.name === 'workspace');
    expect(docsWorkspace).toEqual({ name: 'workspace', persistentVolumeClaim: { claimName: 'docs-project' } });
    // Selectors tell the agents apart; the attach command is on the object.
    expect(sets[0].spec.selector.matchLabels['agentgate.dev/agent']).toBe('main');
    expect(sets[1].metadata.annotations?.['agentgate.dev/attach']).toBe('kubectl exec -it -n agents team-agentgate-agent-docs-0 -- agentgate attach');
    expect(sets[1].spec.template.spec.containers[0].env).toContainEqual({ name: 'AGENTGATE_AGENT', value: 'bash' });
  });

  it('hardens every container as compose does, with exec probes on agentgate-probe and a stop budget to match', () => {
    const manifests = renderChart('team', EVERYTHING);
    const pods = podSpecs(manifests);
    expect(pods.length).toBe(5); // two agents, the proxy, two sandbox templates
    for (const { owner, spec } of pods) {
      expect(spec.automountServiceAccountToken, owner).toBe(false);
      expect(spec.securityContext, owner).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of spec.containers) {
        expect(c.securityContext, owner).toEqual({
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(c.resources.limits, owner).toMatchObject({ cpu: expect.anything(), memory: expect.anything() });
      }
    }
    const agents = pods.filter((p) => !p.owner.endsWith('-egress'));
    for (const { owner, spec } of agents) {
      const [agent] = spec.containers;
      expect(spec.securityContext, owner).toMatchObject({ runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000 });
      expect(agent.livenessProbe.exec.command, owner).toEqual(['agentgate-probe', '--live']);
      expect(agent.startupProbe.exec.command, owner).toEqual(['agentgate-probe', '--live']);
      expect(agent.readinessProbe.exec.command, owner).toEqual(['agentgate-probe']);
      expect(spec.volumes.filter((v: PodSpec) => v.emptyDir).map((v: PodSpec) => v.name), owner).toEqual(['tmp', 'home']);
      // With the egress proxy (on here), the proxy holds the key and the agent a placeholder (issue 21).
      expect(agent.env, owner).toContainEqual({ name: 'ANTHROPIC_API_KEY', value: 'sk-ant-api03-agentgate-placeholder-the-egress-proxy-holds-the-key' });
    }
    const grace = Object.fromEntries(byKind(manifests, 'StatefulSet').map((s) => [s.metadata.name, s.spec.template.spec.terminationGracePeriodSeconds]));
    expect(grace).toEqual({ 'team-agentgate-agent-main': 10, 'team-agentgate-agent-docs': 13 });
    // The key reaches the Secret, never a pod spec or an annotation.
    const secret = byKind(manifests, 'Secret').find((s) => s.metadata.name === 'team-agentgate-agent-credentials');
    expect(Buffer.from(secret?.data?.ANTHROPIC_API_KEY ?? '', 'base64').toString()).toBe('sk-ant-test-not-a-key');
    const outsideSecrets = JSON.stringify(manifests.filter((m) => m.kind !== 'Secret'));
    expect(outsideSecrets).not.toContain('sk-ant-test-not-a-key');
  });

  it('with the egress proxy, lets agents reach only the proxy: no DNS, no resolver, the proxy by its service address', () => {
    const manifests = renderChart('team', EVERYTHING);
    const policy = byKind(manifests, 'NetworkPolicy').find((p) => p.metadata.name === 'team-agentgate-agent-agents');
    expect(policy?.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy?.spec.egress).toEqual([
      {
        to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'agentgate-agent', 'app.kubernetes.io/instance': 'team', 'app.kubernetes.io/component': 'egress-proxy' } } }],
        // 3129: the credential endpoint, since the proxy holds the API key (egress.holdCredentials).
        ports: [{ port: 3128, protocol: 'TCP' }, { port: 3129, protocol: 'TCP' }],
      },
    ]);
    expect(policy?.spec.ingress).toEqual([{ ports: [{ port: 2222, protocol: 'TCP' }] }]);
    const proxyPods = nth(manifests, 'Deployment').spec.template.metadata.labels;
    expect(proxyPods).toMatchObject(policy?.spec.egress[0].to[0].podSelector.matchLabels);
    const main = nth(manifests, 'StatefulSet');
    const spec = main.spec.template.spec;
    expect(spec.dnsPolicy).toBe('None');
    expect(spec.dnsConfig).toEqual({ nameservers: ['127.0.0.1'] });
    expect(spec.enableServiceLinks).toBe(true);
    expect(spec.containers[0].env).toContainEqual({ name: 'HTTPS_PROXY', value: 'http://$(TEAM_AGENTGATE_AGENT_EGRESS_SERVICE_HOST):3128' });
    expect(byKind(manifests, 'Service').map((s) => s.metadata.name)).toContain('team-agentgate-agent-egress');
    // The SandboxTemplate carries the same rules for agent-sandbox's own NetworkPolicy.
    const template = nth(manifests, 'SandboxTemplate');
    expect(template.spec.networkPolicy.egress).toEqual(policy?.spec.egress);
    expect(template.spec.podTemplate.spec).toEqual(spec);
  });

  it('with the egress proxy, no agent pod spec refers to the API key: the proxy holds it, the agent a placeholder', () => {
    const placeholder = 'sk-ant-api03-agentgate-placeholder-the-egress-proxy-holds-the-key';
    // What refers to the key: an env var from the Secret's key, or a volume that mounts the whole Secret.
    const refersToKey = (spec: PodSpec) => {
      const text = JSON.stringify(spec);
      const wholeSecret = (spec.volumes ?? []).some((v: any) => v.secret?.secretName === 'team-agentgate-agent-credentials' && !v.secret.items);
      return text.includes('"key":"ANTHROPIC_API_KEY"') || text.includes('envFrom') || wholeSecret;
    };
    for (const existing of [[], ['credentials.existingSecret=team-agentgate-agent-credentials']]) {
      const manifests = renderChart('team', [...EVERYTHING, ...existing]);
      const agents = podSpecs(manifests).filter((p) => !p.owner.endsWith('-egress'));
      expect(agents.map((a) => a.owner.split('/')[0]).sort()).toEqual(['SandboxTemplate', 'SandboxTemplate', 'StatefulSet', 'StatefulSet']);
      for (const { owner, spec } of agents) {
        expect(refersToKey(spec), owner).toBe(false);
        const env = spec.containers[0].env as Array<{ name: string; value?: string }>;
        expect(env.find((e) => e.name === 'ANTHROPIC_API_KEY')?.value, owner).toBe(placeholder);
        expect(env, owner).toContainEqual({ name: 'AGENTGATE_CREDENTIAL_URL', value: 'http://$(TEAM_AGENTGATE_AGENT_EGRESS_SERVICE_HOST):3129' });
        // The credentials file (a login of Claude's own) is still mounted, alone.
        expect(spec.volumes.find((v: any) => v.name === 'credentials').secret.items).toEqual([{ key: 'claude_credentials', path: 'claude_credentials' }]);
      }
      const proxy = nth(manifests, 'Deployment').spec.template.spec.containers[0];
      expect(proxy.env).toContainEqual({ name: 'ANTHROPIC_API_KEY', valueFrom: { secretKeyRef: { name: 'team-agentgate-agent-credentials', key: 'ANTHROPIC_API_KEY', optional: true } } });
      expect(proxy.ports).toContainEqual({ name: 'credentials', containerPort: 3129, protocol: 'TCP' });
    }
    // Controls: without the proxy, or with egress.holdCredentials=false, the agent gets the key itself as before.
    for (const sets of [['credentials.apiKey=sk-ant-test-not-a-key'], [...EVERYTHING, 'egress.holdCredentials=false']]) {
      const agent = podSpecs(renderChart('team', sets)).find((p) => p.owner.startsWith('StatefulSet/'));
      expect(agent && refersToKey(agent.spec)).toBe(true);
    }
  });

  it("with the egress proxy, Codex's and Gemini CLI's keys too live in the proxy only, the agents holding placeholders", () => {
    const keys = ['credentials.openaiApiKey=sk-openai-test-not-a-key', 'credentials.geminiApiKey=AIza-test-not-a-key'];
    const sets = [...EVERYTHING.filter((s) => !s.startsWith('credentials.apiKey=')), ...keys, 'egress.credentialUpstreamOpenai=http://mock:1/v1'];
    const manifests = renderChart('team', sets);
    for (const m of manifests) expect(() => validateAgainstSchema(m), `${m.kind}/${m.metadata.name}`).not.toThrow();
    for (const { owner, spec } of podSpecs(manifests).filter((p) => !p.owner.endsWith('-egress'))) {
      const text = JSON.stringify(spec);
      expect(text, owner).not.toContain('"key":"OPENAI_API_KEY"');
      expect(text, owner).not.toContain('"key":"GEMINI_API_KEY"');
      const env = spec.containers[0].env as Array<{ name: string; value?: string }>;
      expect(env, owner).toContainEqual({ name: 'OPENAI_API_KEY', value: 'sk-agentgate-placeholder-the-egress-proxy-holds-the-openai-key' });
      expect(env, owner).toContainEqual({ name: 'GEMINI_API_KEY', value: 'agentgate-placeholder-the-egress-proxy-holds-the-gemini-key' });
      expect(env.filter((e) => e.name === 'AGENTGATE_CREDENTIAL_URL'), owner).toEqual([{ name: 'AGENTGATE_CREDENTIAL_URL', value: 'http://$(TEAM_AGENTGATE_AGENT_EGRESS_SERVICE_HOST):3129' }]);
    }
    const proxy = nth(manifests, 'Deployment').spec.template.spec.containers[0];
    for (const key of ['OPENAI_API_KEY', 'GEMINI_API_KEY']) {
      expect(proxy.env).toContainEqual({ name: key, valueFrom: { secretKeyRef: { name: 'team-agentgate-agent-credentials', key, optional: true } } });
    }
    expect(proxy.env).toContainEqual({ name: 'AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI', value: 'http://mock:1/v1' });
    // Without the proxy, the agent gets the keys themselves from the Secret.
    const agent = podSpecs(renderChart('team', keys)).find((p) => p.owner.startsWith('StatefulSet/'));
    expect(JSON.stringify(agent?.spec)).toContain('"key":"OPENAI_API_KEY"');
    expect(JSON.stringify(agent?.spec)).toContain('"key":"GEMINI_API_KEY"');
  });

  it("with the egress proxy, Copilot's provider key lives in the proxy only, sent to egress.credentialUpstreamCopilot", () => {
    const key = 'credentials.copilotProviderApiKey=sk-provider-test-not-a-key';
    const sets = [...EVERYTHING.filter((s) => !s.startsWith('credentials.apiKey=')), key, 'egress.credentialUpstreamCopilot=https://llm.example.com/v1'];
    const manifests = renderChart('team', sets);
    for (const m of manifests) expect(() => validateAgainstSchema(m), `${m.kind}/${m.metadata.name}`).not.toThrow();
    for (const { owner, spec } of podSpecs(manifests).filter((p) => !p.owner.endsWith('-egress'))) {
      expect(JSON.stringify(spec), owner).not.toContain('"key":"COPILOT_PROVIDER_API_KEY"');
      const env = spec.containers[0].env as Array<{ name: string; value?: string }>;
      expect(env, owner).toContainEqual({ name: 'COPILOT_PROVIDER_API_KEY', value: 'agentgate-placeholder-the-egress-proxy-holds-the-copilot-provider-key' });
      expect(env.filter((e) => e.name === 'AGENTGATE_CREDENTIAL_URL'), owner).toEqual([{ name: 'AGENTGATE_CREDENTIAL_URL', value: 'http://$(TEAM_AGENTGATE_AGENT_EGRESS_SERVICE_HOST):3129' }]);
    }
    const proxy = nth(manifests, 'Deployment').spec.template.spec.containers[0];
    expect(proxy.env).toContainEqual({ name: 'COPILOT_PROVIDER_API_KEY', valueFrom: { secretKeyRef: { name: 'team-agentgate-agent-credentials', key: 'COPILOT_PROVIDER_API_KEY', optional: true } } });
    expect(proxy.env).toContainEqual({ name: 'AGENTGATE_CREDENTIAL_UPSTREAM_COPILOT', value: 'https://llm.example.com/v1' });
    // Held with no upstream, the key would have nowhere to go: refused at render.
    expect(() => renderChart('team', [...EVERYTHING, key])).toThrow(/egress.credentialUpstreamCopilot/);
    // An existingSecret without the upstream: no placeholder (a Copilot logged in to GitHub keeps working).
    const existing = podSpecs(renderChart('team', [...EVERYTHING.filter((s) => !s.startsWith('credentials.')), 'credentials.existingSecret=mine']));
    for (const { spec } of existing.filter((p) => !p.owner.endsWith('-egress'))) expect(JSON.stringify(spec)).not.toContain('COPILOT_PROVIDER_API_KEY');
    // Without the proxy, the agent gets the key itself from the Secret.
    const agent = podSpecs(renderChart('team', [key])).find((p) => p.owner.startsWith('StatefulSet/'));
    expect(JSON.stringify(agent?.spec)).toContain('"key":"COPILOT_PROVIDER_API_KEY"');
  });

  it("with the egress proxy, OpenCode's OpenRouter and Zen keys too live in the proxy only, the agents holding placeholders", () => {
    const keys = ['credentials.openrouterApiKey=sk-or-test-not-a-key', 'credentials.opencodeApiKey=sk-zen-test-not-a-key'];
    const sets = [...EVERYTHING.filter((s) => !s.startsWith('credentials.apiKey=')), ...keys, 'egress.credentialUpstreamOpencode=http://mock:2/zen'];
    const manifests = renderChart('team', sets);
    for (const m of manifests) expect(() => validateAgainstSchema(m), `${m.kind}/${m.metadata.name}`).not.toThrow();
    for (const { owner, spec } of podSpecs(manifests).filter((p) => !p.owner.endsWith('-egress'))) {
      const text = JSON.stringify(spec);
      expect(text, owner).not.toContain('"key":"OPENROUTER_API_KEY"');
      expect(text, owner).not.toContain('"key":"OPENCODE_API_KEY"');
      const env = spec.containers[0].env as Array<{ name: string; value?: string }>;
      expect(env, owner).toContainEqual({ name: 'OPENROUTER_API_KEY', value: 'sk-or-agentgate-placeholder-the-egress-proxy-holds-the-openrouter-key' });
      expect(env, owner).toContainEqual({ name: 'OPENCODE_API_KEY', value: 'sk-agentgate-placeholder-the-egress-proxy-holds-the-opencode-key' });
      expect(env.filter((e) => e.name === 'AGENTGATE_CREDENTIAL_URL'), owner).toEqual([{ name: 'AGENTGATE_CREDENTIAL_URL', value: 'http://$(TEAM_AGENTGATE_AGENT_EGRESS_SERVICE_HOST):3129' }]);
    }
    const proxy = nth(manifests, 'Deployment').spec.template.spec.containers[0];
    for (const key of ['OPENROUTER_API_KEY', 'OPENCODE_API_KEY']) {
      expect(proxy.env).toContainEqual({ name: key, valueFrom: { secretKeyRef: { name: 'team-agentgate-agent-credentials', key, optional: true } } });
    }
    expect(proxy.env).toContainEqual({ name: 'AGENTGATE_CREDENTIAL_UPSTREAM_OPENCODE', value: 'http://mock:2/zen' });
    // Without the proxy, the agent gets the keys themselves from the Secret.
    const agent = podSpecs(renderChart('team', keys)).find((p) => p.owner.startsWith('StatefulSet/'));
    expect(JSON.stringify(agent?.spec)).toContain('"key":"OPENROUTER_API_KEY"');
    expect(JSON.stringify(agent?.spec)).toContain('"key":"OPENCODE_API_KEY"');
  });

  it("with egress.ask, the agents' supervisors follow the proxy's ask feed (3131): port, Service, both policies", () => {
    const manifests = renderChart('team', [...EVERYTHING, 'egress.ask=true']);
    for (const m of manifests) expect(() => validateAgainstSchema(m), `${m.kind}/${m.metadata.name}`).not.toThrow();
    const proxy = nth(manifests, 'Deployment').spec.template.spec.containers[0];
    expect(proxy.ports).toContainEqual({ name: 'ask-feed', containerPort: 3131, protocol: 'TCP' });
    const service = byKind(manifests, 'Service').find((m) => m.metadata.name === 'team-agentgate-agent-egress');
    expect(service?.spec.ports).toContainEqual({ name: 'ask-feed', port: 3131, targetPort: 'ask-feed', protocol: 'TCP' });
    for (const { owner, spec } of podSpecs(manifests).filter((p) => !p.owner.endsWith('-egress'))) {
      expect(spec.containers[0].env, owner).toContainEqual({ name: 'AGENTGATE_EGRESS_ASK_FEED_URL', value: 'http://$(TEAM_AGENTGATE_AGENT_EGRESS_SERVICE_HOST):3131' });
    }
    const policies = byKind(manifests, 'NetworkPolicy');
    expect(policies.find((p) => p.metadata.name === 'team-agentgate-agent-agents')?.spec.egress[0].ports).toContainEqual({ port: 3131, protocol: 'TCP' });
    expect(policies.find((p) => p.metadata.name === 'team-agentgate-agent-egress')?.spec.ingress[0].ports).toContainEqual({ port: 3131, protocol: 'TCP' });
    // Without asks, nothing of it.
    expect(JSON.stringify(renderChart('team', EVERYTHING))).not.toContain('3131');
  });

  it('with git tokens, the proxy alone holds them (its git endpoint, 3130); agents get only the endpoint; asks are passed to the proxy', () => {
    const gitSets = [...EVERYTHING, 'egress.gitCredentials=github.com ghp_not_a_token', 'egress.ask=true', 'egress.askWaitMs=30000', `egress.answerTokenSha256=${'a'.repeat(64)}`];
    const manifests = renderChart('team', gitSets);
    for (const m of manifests) expect(() => validateAgainstSchema(m), `${m.kind}/${m.metadata.name}`).not.toThrow();
    const secret = byKind(manifests, 'Secret').find((m) => m.metadata.name === 'team-agentgate-agent-git');
    expect(Buffer.from(String((secret as Manifest | undefined)?.data?.git_credentials), 'base64').toString()).toBe('github.com ghp_not_a_token');
    const proxyPod = nth(manifests, 'Deployment').spec.template.spec;
    const proxy = proxyPod.containers[0];
    expect(proxy.env).toEqual(expect.arrayContaining([
      { name: 'AGENTGATE_GIT_PORT', value: '3130' },
      { name: 'AGENTGATE_GIT_CREDENTIALS_FILE', value: '/run/secrets/agentgate-git/git_credentials' },
      { name: 'AGENTGATE_EGRESS_ASK', value: 'on' },
      { name: 'AGENTGATE_EGRESS_ASK_WAIT_MS', value: '30000' },
      { name: 'AGENTGATE_ANSWER_TOKEN_SHA256', value: 'a'.repeat(64) },
    ]));
    expect(proxy.ports).toContainEqual({ name: 'git', containerPort: 3130, protocol: 'TCP' });
    expect(proxyPod.volumes).toContainEqual({ name: 'git-credentials', secret: { secretName: 'team-agentgate-agent-git', defaultMode: 0o440, items: [{ key: 'git_credentials', path: 'git_credentials' }] } });
    expect(proxyPod.securityContext.fsGroup).toBe(1000);
    for (const { owner, spec } of podSpecs(manifests).filter((p) => !p.owner.endsWith('-egress'))) {
      expect(JSON.stringify(spec), owner).not.toContain('team-agentgate-agent-git');
      expect(JSON.stringify(spec), owner).not.toContain('ghp_not_a_token');
      expect(spec.containers[0].env, owner).toContainEqual({ name: 'AGENTGATE_GIT_CREDENTIAL_URL', value: 'http://$(TEAM_AGENTGATE_AGENT_EGRESS_SERVICE_HOST):3130' });
    }
    const agentsPolicy = byKind(manifests, 'NetworkPolicy').find((p) => p.metadata.name === 'team-agentgate-agent-agents');
    expect(agentsPolicy?.spec.egress[0].ports).toContainEqual({ port: 3130, protocol: 'TCP' });
    // Without git tokens, nothing of it: no endpoint in the agents, no port.
    const plain = renderChart('team', EVERYTHING);
    expect(JSON.stringify(plain)).not.toContain('3130');
  });

  it('sends webhooks when asked: the URL, format and public URL as values, the signing secret only by reference', () => {
    const manifests = renderChart('team', [...EVERYTHING, 'notify.url=https://ntfy.example/agents', 'notify.format=ntfy', 'notify.publicUrl=https://agents.example', 'notify.secret=not-a-real-secret']);
    for (const m of manifests) expect(() => validateAgainstSchema(m), `${m.kind}/${m.metadata.name}`).not.toThrow();
    const secret = byKind(manifests, 'Secret').find((m) => m.metadata.name === 'team-agentgate-agent-notify');
    expect(Buffer.from(String((secret as Manifest | undefined)?.data?.AGENTGATE_NOTIFY_SECRET), 'base64').toString()).toBe('not-a-real-secret');
    const agents = podSpecs(manifests).filter((p) => !p.owner.endsWith('-egress'));
    expect(agents.length).toBe(4);
    for (const { owner, spec } of agents) {
      expect(JSON.stringify(spec), owner).not.toContain('not-a-real-secret');
      expect(spec.containers[0].env, owner).toEqual(expect.arrayContaining([
        { name: 'AGENTGATE_NOTIFY_URL', value: 'https://ntfy.example/agents' },
        { name: 'AGENTGATE_NOTIFY_FORMAT', value: 'ntfy' },
        { name: 'AGENTGATE_PUBLIC_URL', value: 'https://agents.example' },
        { name: 'AGENTGATE_NOTIFY_SECRET', valueFrom: { secretKeyRef: { name: 'team-agentgate-agent-notify', key: 'AGENTGATE_NOTIFY_SECRET' } } },
      ]));
    }
    // Off by default: no webhook variable, no Secret for it.
    const plain = JSON.stringify(renderChart('team', EVERYTHING));
    expect(plain).not.toContain('AGENTGATE_NOTIFY');
    expect(plain).not.toContain('agentgate-agent-notify');
  });

  it('without the proxy or SSH, lets nothing in and leaves egress to the cluster', () => {
    const manifests = renderChart('team');
    const policy = nth(manifests, 'NetworkPolicy');
    expect(policy.spec).toMatchObject({ policyTypes: ['Ingress'], ingress: [] });
    expect(byKind(manifests, 'Secret')).toEqual([]);
    expect(nth(manifests, 'StatefulSet').spec.template.spec.dnsPolicy).toBeUndefined();
  });

  it('leaves the uid to the platform (OpenShift) when uid and gid are null', () => {
    const sts = nth(renderChart('team', SCENARIOS.openshift), 'StatefulSet');
    expect(sts.spec.template.spec.securityContext).toEqual({ runAsNonRoot: true, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
  });

  it('refuses bad values with a message naming them', () => {
    const refuse = (sets: string[]) => {
      try {
        renderChart('team', sets);
      } catch (error) {
        return String((error as { stderr?: string }).stderr);
      }
      throw new Error(`helm accepted ${sets.join(' ')}`);
    };
    expect(refuse(['agnets[0].name=x'])).toMatch(/additional properties 'agnets' not allowed/);
    expect(refuse(['agents[0].name=Main_Agent'])).toMatch(/agents\/0\/name.*does not match pattern/s);
    expect(refuse(['ssh.enabled=true'])).toMatch(/ssh\.enabled needs ssh\.authorizedKeys/);
    expect(refuse(['agentDefaults.workspace.size=lots'])).toMatch(/workspace\/size.*does not match pattern/s);
  });

  it('the binaries used are the official releases', () => {
    const { helm, kubectl } = k8sTools();
    expect(execFileSync(helm, ['version', '--short'], { encoding: 'utf8' })).toMatch(/^v\d+\.\d+\.\d+/);
    expect(execFileSync(kubectl, ['version', '--client'], { encoding: 'utf8' })).toMatch(/Client Version: v1\.\d+/);
  });
});
