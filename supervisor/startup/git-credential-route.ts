import { get } from 'node:http';
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
    const { hosts } = JSON.parse(await getText(`${endpoint.origin}/`, ASK_DEADLINE_MS)) as { hosts?: unknown };
    if (!Array.isArray(hosts) || !hosts.every((h) => typeof h === 'string' && /^[a-z0-9.:-]+$/.test(h))) throw new Error('answered without a list of hosts');
    log.info({ endpoint: endpoint.origin, hosts }, 'git routed through the proxy');
    return gitRouteEnv(endpoint, hosts as string[], env);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    log.warn({ endpoint: endpoint.origin, reason, hint: 'check that the egress proxy holds a git token (AGENTGATE_GIT_TOKEN_<HOST>) and that AGENTGATE_GIT_CREDENTIAL_URL names its git port' }, 'git route unavailable');
    return {};
  }
}

/**
 * The body of a GET within `deadlineMs`. node:http, not fetch: the image runs the supervisor with V8's lite mode,
 * which has no WebAssembly, and fetch's HTTP parser is WebAssembly (it fails there with "fetch failed").
 */
function getText(url: string, deadlineMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: deadlineMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        // A list of host names: anything longer is not the endpoint's answer, and is not kept.
        if (body.length + chunk.length <= 65_536) body += chunk;
      });
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`answered ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${deadlineMs} ms`)));
    req.on('error', reject);
  });
}
