import { readFileSync } from 'node:fs';
import type { Config } from '../../config/load-config.js';
import { ConfigError } from '../../errors.js';
import { forComponent } from '../../log/component.js';
import type { Logger } from '../../log/logger.js';
import type { EgressAudit } from './egress-audit.js';
import { GitEndpoint } from './git-endpoint.js';
import { parseGitTokens } from './git-tokens.js';

/**
 * The git credential endpoint on AGENTGATE_GIT_PORT, opt-in: it listens only when the proxy holds a token
 * (AGENTGATE_GIT_TOKEN_<HOST> or AGENTGATE_GIT_CREDENTIALS_FILE). A bad entry or an unreadable file stops the
 * start, as a bad allowlist does: a push that silently lacks its token would be found much later.
 */
export async function startGitEndpoint(config: Config, env: Readonly<Record<string, string | undefined>>, log: Logger, audit: EgressAudit): Promise<GitEndpoint | null> {
  const file = config.proxy.git.credentialsFile;
  let text: string | null = null;
  if (file !== null) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError([`AGENTGATE_GIT_CREDENTIALS_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? error})`]);
    }
  }
  const { tokens, problems } = parseGitTokens(env, text, config.proxy.git.username);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => (p.startsWith('line ') ? `${file}: ${p}` : p)));
  if (tokens.size === 0) return null;
  const endpoint = new GitEndpoint(tokens, forComponent(log, 'git'), audit);
  const port = await endpoint.listen(config.proxy.host, config.proxy.git.port);
  log.info({ host: config.proxy.host, port, hosts: endpoint.hosts }, 'git endpoint listening');
  return endpoint;
}
