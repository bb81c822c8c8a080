import type { Logger } from '../log/logger.js';

const ASK_DEADLINE_MS = 5000;

/**
 * The variables that send git's https:// URLs of `hosts` through the proxy's git endpoint, pure. They are git's
 * command-line scope (GIT_CONFIG_COUNT, GIT_CONFIG_KEY_n, GIT_CONFIG_VALUE_n; git >= 2.31), which no config file
 * (the repository's, ~/.gitconfig) overrides, added after any the environment already has; and the endpoint's host
 * in NO_PROXY, so git reaches it straight rather than through HTTP_PROXY. They hold no token: only the proxy has it.
 */
export function gitRouteEnv(endpoint: URL, hosts: readonly string[], env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  let count = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  for (const host of hosts) {
    out[`GIT_CONFIG_KEY_${count}`] = `url.${endpoint.origin}/${host}/.insteadOf`;
    out[`GIT_CONFIG_VALUE_${count}`] = `https://${host}/`;
    count += 1;
  }
  out.GIT_CONFIG_COUNT = String(count);
  const bypass = (list: string | undefined) => [...(list ?? '').split(','), endpoint.hostname].map((h) => h.trim()).filter((h, i, all) => h !== '' && all.indexOf(h) === i).join(',');
  out.NO_PROXY = bypass(env.NO_PROXY);
  out.no_proxy = bypass(env.no_proxy);
  return out;
}

/**
 * Asks the proxy's git endpoint (AGENTGATE_GIT_CREDENTIAL_URL) which hosts it holds tokens for, and gives the
 * variables that route them there. A proxy that does not answer costs the route, not the start: git then works
 * as it would without (no token), and the log says so.
 */
export async function routeGitThroughProxy(endpoint: URL, env: Readonly<Record<string, string | undefined>>, log: Logger): Promise<Record<string, string>> {
  try {
    const answer = await fetch(`${endpoint.origin}/`, { signal: AbortSignal.timeout(ASK_DEADLINE_MS) });
    if (!answer.ok) throw new Error(`answered ${answer.status}`);
    const { hosts } = (await answer.json()) as { hosts?: unknown };
    if (!Array.isArray(hosts) || !hosts.every((h) => typeof h === 'string' && /^[a-z0-9.:-]+$/.test(h))) throw new Error('answered without a list of hosts');
    log.info({ endpoint: endpoint.origin, hosts }, 'git routed through the proxy');
    return gitRouteEnv(endpoint, hosts as string[], env);
  } catch (error) {
    const reason = error instanceof Error ? ((error.cause as NodeJS.ErrnoException | undefined)?.code ?? error.message) : String(error);
    log.warn({ endpoint: endpoint.origin, reason, hint: 'check that the egress proxy holds a git token (AGENTGATE_GIT_TOKEN_<HOST>) and that AGENTGATE_GIT_CREDENTIAL_URL names its git port' }, 'git route unavailable');
    return {};
  }
}
