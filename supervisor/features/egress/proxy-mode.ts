import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { forComponent } from '../../log/component.js';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { EgressAsks } from './egress-asks.js';
import { handleAskRoute } from './ask-route.js';
import { startAskFeed } from './ask-feed.js';
import { CredentialEndpoint } from './credential-endpoint.js';
import { EgressProxy } from './egress-proxy.js';
import { startGitEndpoint } from './git-endpoint-start.js';
import type { Config } from '../../config/load-config.js';
import { ConfigError } from '../../errors.js';
import type { Logger } from '../../log/logger.js';
import { DEFAULT_AGENT_CREDENTIALS, agentEgressDefaults } from '../../agents/egress-defaults.js';
import { COPILOT_PROVIDER_HELD_KEY, COPILOT_PROVIDER_HELD_TOKEN, GEMINI_HELD_KEY, GOOGLE_HELD_KEY, OPENAI_HELD_KEY, OPENCODE_HELD_KEY, OPENROUTER_HELD_KEY } from '../../agents/held-api-keys.js';
import { type AllowRule, parseAllowlist } from './allowlist.js';
import type { ProxyHealthReport } from '../../contract/proxy-report.js';

export interface ProxyMode {
  /** Re-reads AGENTGATE_EGRESS_ALLOW_FILE (SIGHUP, or the file changed); a bad list keeps the old one. */
  reload: (why: string) => void;
  close: () => Promise<void>;
}

/**
 * `agentgate proxy`: the allowlisting egress proxy on AGENTGATE_PROXY_PORT, and its health (counts of allowed
 * and denied requests) on the health port. The list is AGENTGATE_EGRESS_ALLOW plus the file's entries; with
 * neither, the default agent's own hosts. Beside it, the credential endpoint on AGENTGATE_CREDENTIAL_PORT, which
 * holds the API key or OAuth token (and Codex's, Gemini CLI's and OpenCode's keys) from the proxy's own environment so that
 * the agent never holds them.
 */
export async function startProxyMode(config: Config, log: Logger, env: Readonly<Record<string, string | undefined>>): Promise<ProxyMode> {
  const initial = readRules(config);
  if (initial.problems.length > 0) throw new ConfigError(initial.problems.map((p) => `AGENTGATE_EGRESS_ALLOW / ${config.proxy.allowFile}: ${p}`));
  // Filled in below: "always" reloads the list it has just written to.
  let reload = (_why: string) => {};
  const asks = config.proxy.ask.on ? new EgressAsks(config.proxy.ask.waitMs, config.proxy.allowFile, forComponent(log, 'proxy'), (why) => reload(why)) : null;
  const proxy = new EgressProxy(initial.rules, forComponent(log, 'proxy'), undefined, asks);
  const port = await proxy.listen(config.proxy.host, config.proxy.port);
  log.info({ host: config.proxy.host, port, rules: initial.rules.length, sources: initial.sources }, 'proxy listening');
  const held = { apiKey: env[DEFAULT_AGENT_CREDENTIALS.apiKeyVariable] || null, oauthToken: env[DEFAULT_AGENT_CREDENTIALS.oauthTokenVariable] || null };
  // Codex's, Gemini CLI's, OpenCode's and Copilot's provider keys, each on a path of its own leading to its own API only.
  const upstreams = config.proxy.credentialUpstreams;
  const keys = ([
    [OPENAI_HELD_KEY, upstreams.openai],
    [GEMINI_HELD_KEY, upstreams.gemini],
    [GOOGLE_HELD_KEY, upstreams.gemini],
    [OPENROUTER_HELD_KEY, upstreams.openrouter],
    [OPENCODE_HELD_KEY, upstreams.opencode],
    [COPILOT_PROVIDER_HELD_KEY, upstreams.copilot],
    [COPILOT_PROVIDER_HELD_TOKEN, upstreams.copilot],
  ] as const).map(([key, upstream]) => ({ key, upstream, value: env[key.variable] || null }));
  for (const k of keys) {
    if (k.value && k.upstream === null) log.warn({ variable: k.key.variable, detail: `no ${k.key.upstreamVariable} (the provider's base URL): the agent's requests with its placeholder are refused` }, 'credential upstream missing');
  }
  const credentials = new CredentialEndpoint(config.proxy.credentialUpstream, held, forComponent(log, 'credentials'), proxy.audit, keys);
  const credentialPort = await credentials.listen(config.proxy.host, config.proxy.credentialPort);
  log.info({ host: config.proxy.host, port: credentialPort, upstream: config.proxy.credentialUpstream.origin, held: credentials.kinds }, 'credential endpoint listening');
  const git = await startGitEndpoint(config, env, log, proxy.audit);
  // Each agent's supervisor follows its own asks here (the health port, with the listing of all, stays on loopback).
  const feed = asks ? await startAskFeed(asks, { host: config.proxy.host, port: config.proxy.ask.feedPort }) : null;
  if (feed) log.info({ host: config.proxy.host, port: feed.port }, 'ask feed listening');
  const health = await serveProxyHealth(config.health, (): ProxyHealthReport => ({
    status: 'ok',
    mode: 'proxy',
    rules: proxy.ruleCount,
    ...proxy.counts,
    credentials: { held: credentials.kinds, ...credentials.counts },
    ...(git ? { git: { hosts: git.hosts, ...git.counts } } : {}),
    topHostsLastHour: proxy.audit.topHosts(),
    ...(asks ? { egressAsks: asks.list() } : {}),
  }), asks && ((req, res) => handleAskRoute(req, res, asks, config.decisions.answerTokenSha256, (fields) => log.info(fields, 'answer refused'))));
  reload = (why: string) => {
    const next = readRules(config);
    if (next.problems.length > 0) {
      log.warn({ why, problems: next.problems, detail: 'it has bad entries; the old one stays' }, 'allowlist not reloaded');
      return;
    }
    proxy.reload(next.rules);
    log.info({ why, rules: next.rules.length }, 'allowlist reloaded');
  };
  let watcher: FSWatcher | null = null;
  try {
    watcher = watch(config.proxy.allowFile, { persistent: false }, () => reload('file changed'));
  } catch {
    // no file: the variable (or the default) is the list; SIGHUP still re-reads
  }
  return {
    reload,
    close: async () => {
      watcher?.close();
      health.close();
      await credentials.close();
      await git?.close();
      await proxy.close();
      await feed?.close();
    },
  };
}

function readRules(config: Config): { rules: AllowRule[]; problems: string[]; sources: string[] } {
  const sources: string[] = [];
  let text = '';
  if (config.proxy.allow !== null) {
    text += `${config.proxy.allow}\n`;
    sources.push('AGENTGATE_EGRESS_ALLOW');
  }
  try {
    text += readFileSync(config.proxy.allowFile, 'utf8');
    sources.push(config.proxy.allowFile);
  } catch {
    // no file
  }
  if (sources.length === 0) {
    // The agent the proxy is given (AGENTGATE_AGENT) decides the default list: the default agent's when it names none.
    const defaults = agentEgressDefaults(config.agent.program);
    text = defaults.hosts;
    sources.push(`default (${defaults.agent})`);
  }
  return { ...parseAllowlist(text), sources };
}

function serveProxyHealth(
  where: { host: string; port: number },
  report: () => ProxyHealthReport,
  route: ((req: IncomingMessage, res: ServerResponse) => boolean) | null,
): Promise<Server> {
  const server = createServer((req, res) => {
    if (route?.(req, res)) return;
    res.writeHead(req.url === '/livez' || req.url === '/readyz' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(report())}\n`);
  });
  server.keepAliveTimeout = 1000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => resolve(server));
  });
}
