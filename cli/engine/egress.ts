import { createHash, randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import profile from '../../deploy/hardening.json' with { type: 'json' };
import { DEFAULT_AGENT_EGRESS, agentEgressDefaults } from '../../supervisor/agents/egress-defaults.js';
import { CliError } from '../errors.js';
import { LABEL } from '../labels.js';
import { parseMemory } from '../hardening.js';
import { type ProxyCredentials, copilotProviderHost, credentialsOfProxy, keepUngiven, proxyCredentialEnv, sameCredentials } from './egress-credentials.js';
import { execCapture } from './exec.js';

/**
 * `agentgate up --egress`: as compose/egress.yaml does it, the agent on an internal network whose only way out
 * is the allowlist proxy, which alone also sits on an outer network. One proxy and its two networks serve every
 * agent that asks for them; `rm` removes them with the last such agent.
 */
export const EGRESS = {
  inner: 'agentgate-egress-inner',
  outer: 'agentgate-egress-outer',
  proxy: 'agentgate-egress',
  alias: 'egress',
  port: 3128,
  credentialPort: 3129,
  /** The proxy's git endpoint, when it holds a git token (AGENTGATE_GIT_PORT's default). */
  gitPort: 3130,
  /** Where each agent reads its own asks, when the proxy asks (AGENTGATE_EGRESS_ASK_FEED_PORT's default). */
  askFeedPort: 3131,
  /** The label on an agent that uses them. */
  label: 'agentgate.egress',
  allowLabel: 'agentgate.egress-allow',
} as const;

/** What the agent's container gets to use the proxy (and nothing else). */
export function egressAgentSettings(): { env: string[]; network: string; dns: string[] } {
  const credentialUrl = `http://${EGRESS.alias}:${EGRESS.credentialPort}`;
  const proxy = `http://${EGRESS.alias}:${EGRESS.port}`;
  return {
    env: [
      `HTTPS_PROXY=${proxy}`,
      `HTTP_PROXY=${proxy}`,
      `https_proxy=${proxy}`,
      `http_proxy=${proxy}`,
      'NO_PROXY=localhost,127.0.0.1,::1',
      'no_proxy=localhost,127.0.0.1,::1',
      'AGENTGATE_EGRESS_SELFTEST=on',
      // With a placeholder key, the supervisor points Claude here (the proxy's credential endpoint).
      `AGENTGATE_CREDENTIAL_URL=${credentialUrl}`,
    ],
    network: EGRESS.inner,
    // No resolver at all: names resolve only through the proxy.
    dns: ['127.0.0.1'],
  };
}

/**
 * The hosts the agent needs beyond the default agent's (its own API and login hosts, `AGENTGATE_AGENT` in its
 * environment): added to the proxy's list as `--allow` is, since one proxy serves every agent behind it and its
 * default list is Claude's (and Copilot's own provider, when it is reached straight). None for Claude or a command
 * line of your own.
 */
export function agentEgressHosts(agentEnv: readonly string[]): string[] {
  const agent = agentEnv.find((line) => line.startsWith('AGENTGATE_AGENT='))?.slice('AGENTGATE_AGENT='.length).trim() ?? '';
  const hosts = (list: string) => list.split(/[\s,]+/).filter(Boolean);
  const defaults = hosts(DEFAULT_AGENT_EGRESS.hosts);
  const program = agent.split(/\s+/)[0] ?? '';
  const provider = program === 'copilot' ? copilotProviderHost(agentEnv) : null;
  return [...hosts(agentEgressDefaults(program).hosts).filter((h) => !defaults.includes(h)), ...(provider ? [provider] : [])];
}

/** What the proxy `ensureEgress` left running does: the credentials it holds, and whether it asks. */
export interface EgressProxy {
  credentials: ProxyCredentials;
  asks: boolean;
}

/**
 * The networks and the proxy, made or kept; a proxy whose list lacks `allow`, that holds other credentials
 * than the ones given, or that does not ask when `ask` is wanted, is made again (with the union of the lists;
 * what is not given, it keeps; once it asks, it keeps asking). Other agents behind a proxy that holds another key
 * would be switched to this one: refused.
 */
export async function ensureEgress(
  docker: Docker,
  options: { image: string; allow: readonly string[]; credentials: ProxyCredentials; ask?: boolean; agents: readonly string[]; progress: (line: string) => void },
): Promise<EgressProxy> {
  for (const [name, internal] of [[EGRESS.inner, true], [EGRESS.outer, false]] as const) {
    const exists = await docker.getNetwork(name).inspect().then(() => true, () => false);
    if (exists) continue;
    await docker.createNetwork({
      Name: name,
      Driver: 'bridge',
      Internal: internal,
      // The inner bridge has no IPv4 address for the host: the agent cannot reach the host's services either.
      Options: internal ? { 'com.docker.network.bridge.inhibit_ipv4': 'true' } : {},
      Labels: { [LABEL.role]: 'egress-network' },
    });
  }
  const existing = await docker.getContainer(EGRESS.proxy).inspect().catch(() => null);
  const had = (existing?.Config.Labels?.[EGRESS.allowLabel] ?? '').split(',').filter(Boolean);
  const allow = [...new Set([...had, ...options.allow])].sort();
  const hadCredentials = credentialsOfProxy(existing?.Config.Env);
  const credentials = keepUngiven(hadCredentials, options.credentials);
  const sameKeys = sameCredentials(hadCredentials, credentials);
  // The token that answers its asks lives in its label (as an agent's does): the host's approve and the board read it.
  const hadToken = existing?.Config.Labels?.[LABEL.answerToken] ?? null;
  const asks = hadToken !== null || Boolean(options.ask);
  if (existing && existing.State.Running && allow.every((h) => had.includes(h)) && sameKeys && asks === (hadToken !== null)) return { credentials, asks };
  if (existing && !sameKeys && Object.keys(hadCredentials.held).length > 0) await refuseIfOthersBehind(docker, options.agents);
  if (existing) await docker.getContainer(EGRESS.proxy).remove({ force: true });
  // The secrets it holds; the upstreams and the git username it is given whole are none (and the agent gets no placeholder for them).
  const holds = Object.keys(credentials.held).filter((name) => !/^AGENTGATE_(CREDENTIAL_UPSTREAM_|GIT_USERNAME$)/.test(name));
  options.progress(`egress proxy: ${allow.length > 0 ? `the default agent's hosts and ${allow.join(', ')}` : 'the default agent\'s hosts'}${holds.length > 0 ? `; it holds ${holds.join(' and ')} (the agent: a placeholder)` : ''}${asks ? '; it asks about other public hosts (agentgate approve NAME)' : ''}`);
  const token = asks ? (hadToken ?? randomBytes(32).toString('hex')) : null;
  const askEnv = token
    ? ['AGENTGATE_EGRESS_ASK=on', `AGENTGATE_ANSWER_TOKEN_SHA256=${createHash('sha256').update(token).digest('hex')}`, `AGENTGATE_EGRESS_ASK_FEED_PORT=${EGRESS.askFeedPort}`]
    : [];
  const list = [DEFAULT_AGENT_EGRESS.hosts, ...allow].join(', ');
  const proxy = await docker.createContainer({
    name: EGRESS.proxy,
    Image: options.image,
    Cmd: ['proxy'],
    User: `${profile.user.uid}:${profile.user.gid}`,
    // The real credentials live here, never in the agent (`docker inspect` of the proxy shows them, as compose's).
    Env: [`AGENTGATE_EGRESS_ALLOW=${list}`, ...proxyCredentialEnv(credentials), ...askEnv],
    Labels: { [LABEL.role]: 'egress-proxy', [EGRESS.allowLabel]: allow.join(','), ...(token ? { [LABEL.answerToken]: token } : {}) },
    HostConfig: {
      NetworkMode: EGRESS.outer,
      ReadonlyRootfs: profile.readOnlyRoot,
      CapDrop: profile.capDrop,
      SecurityOpt: ['no-new-privileges:true'],
      Memory: parseMemory(profile.proxy.limits.memory) ?? undefined,
      PidsLimit: profile.proxy.limits.pids,
      Tmpfs: { '/tmp': `mode=${profile.proxy.tmpfs['/tmp'].mode},size=${profile.proxy.tmpfs['/tmp'].size}` },
      RestartPolicy: { Name: 'unless-stopped' },
    },
  });
  await docker.getNetwork(EGRESS.inner).connect({ Container: proxy.id, EndpointConfig: { Aliases: [EGRESS.alias] } });
  await proxy.start();
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const r = await execCapture(docker, proxy.id, ['curl', '-fsS', '-m', '2', '-o', '/dev/null', 'http://127.0.0.1:7433/readyz'], 5000).catch(() => null);
    if (r?.code === 0) return { credentials, asks };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new CliError('the egress proxy did not become ready within 30 s', 1, `see its log: docker logs ${EGRESS.proxy}`);
}

async function refuseIfOthersBehind(docker: Docker, replacing: readonly string[]): Promise<void> {
  const behind = await docker.listContainers({ all: true, filters: { label: [`${EGRESS.label}=true`] } });
  const others = behind.map((c) => c.Labels[LABEL.name] ?? (c.Names[0] ?? c.Id).replace(/^\//, '')).filter((n) => !replacing.includes(n));
  if (others.length === 0) return;
  throw new CliError(
    `the egress proxy holds another API key or token (or upstream) for ${others.join(', ')}: one proxy serves every agent behind it`,
    1,
    `give the same credentials as they have, or remove them first (agentgate rm ${others[0]})`,
  );
}

/** Removes the proxy and its networks once no agent uses them. */
export async function removeEgressIfUnused(docker: Docker): Promise<boolean> {
  const users = await docker.listContainers({ all: true, filters: { label: [`${EGRESS.label}=true`] } });
  if (users.length > 0) return false;
  const proxy = await docker.getContainer(EGRESS.proxy).inspect().catch(() => null);
  if (proxy) await docker.getContainer(EGRESS.proxy).remove({ force: true });
  for (const name of [EGRESS.inner, EGRESS.outer]) await docker.getNetwork(name).remove().catch(() => undefined);
  return proxy !== null;
}
