import { API_KEY_PLACEHOLDER, OAUTH_TOKEN_PLACEHOLDER } from './claude/credential-placeholder.js';
import { CLAUDE_EGRESS_HOSTS } from './claude/egress.js';
import { CODEX_EGRESS_HOSTS } from './codex/egress.js';
import { COPILOT_EGRESS_HOSTS } from './copilot/egress.js';
import { GEMINI_EGRESS_HOSTS } from './gemini/egress.js';
import { OPENCODE_EGRESS_HOSTS } from './opencode/egress.js';

/**
 * The egress proxy's list when none is given: the default agent's API and login hosts. Apart from the
 * registry so that the proxy's own bundle loads no agent's code (only these host lists).
 */
export const DEFAULT_AGENT_EGRESS = { agent: 'Claude Code', hosts: CLAUDE_EGRESS_HOSTS };

const AGENT_EGRESS: Readonly<Record<string, { agent: string; hosts: string }>> = {
  claude: DEFAULT_AGENT_EGRESS,
  codex: { agent: 'Codex CLI', hosts: CODEX_EGRESS_HOSTS },
  gemini: { agent: 'Gemini CLI', hosts: GEMINI_EGRESS_HOSTS },
  opencode: { agent: 'OpenCode', hosts: OPENCODE_EGRESS_HOSTS },
  copilot: { agent: 'Copilot CLI', hosts: COPILOT_EGRESS_HOSTS },
};

/** The list for the agent the proxy is given (AGENTGATE_AGENT, by its program); Claude's for any other. */
export function agentEgressDefaults(program: string): { agent: string; hosts: string } {
  return AGENT_EGRESS[program] ?? DEFAULT_AGENT_EGRESS;
}

/**
 * The credentials the egress proxy can hold for the default agent (AGENTGATE_CREDENTIAL_*): where it forwards,
 * which of its own variables it reads, and the placeholders the agent holds instead.
 */
export const DEFAULT_AGENT_CREDENTIALS = {
  upstream: 'https://api.anthropic.com',
  apiKeyVariable: 'ANTHROPIC_API_KEY',
  oauthTokenVariable: 'CLAUDE_CODE_OAUTH_TOKEN',
  apiKeyPlaceholder: API_KEY_PLACEHOLDER,
  oauthTokenPlaceholder: OAUTH_TOKEN_PLACEHOLDER,
} as const;
