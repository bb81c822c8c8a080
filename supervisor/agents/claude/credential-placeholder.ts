import { updateClaudeState } from './claude-state-file.js';

/**
 * What the agent holds instead of a credential when the egress proxy holds the real one (compose/egress.yaml,
 * the chart with egress on): the proxy's credential endpoint swaps these for the real value, for the API host
 * only. They are not secrets, and their names say so to anyone who finds them.
 */
export const API_KEY_PLACEHOLDER = 'sk-ant-api03-agentgate-placeholder-the-egress-proxy-holds-the-key';
export const OAUTH_TOKEN_PLACEHOLDER = 'sk-ant-oat01-agentgate-placeholder-the-egress-proxy-holds-the-token';

/**
 * Claude asks "Do you want to use this API key?" (No preselected) for a key it has not seen, so an unattended
 * agent would never start. It remembers the answer as the key's last 20 characters in .claude.json under
 * customApiKeyResponses.approved; this records that answer for the placeholder only, never for a real key,
 * keeping everything else in the file. Returns false when the file could not be written.
 */
export function approvePlaceholderKey(configDir: string): boolean {
  const tail = API_KEY_PLACEHOLDER.slice(-20);
  return updateClaudeState(configDir, (state) => {
    const responses = (state.customApiKeyResponses ?? {}) as { approved?: unknown; rejected?: unknown };
    const approved = Array.isArray(responses.approved) ? (responses.approved as unknown[]) : [];
    const rejected = Array.isArray(responses.rejected) ? (responses.rejected as unknown[]).filter((k) => k !== tail) : [];
    if (approved.includes(tail) && rejected.length === (Array.isArray(responses.rejected) ? responses.rejected.length : 0)) return false;
    state.customApiKeyResponses = { ...responses, approved: [...approved, tail].filter((k, i, all) => all.indexOf(k) === i), rejected };
    return true;
  });
}

/** The agent holds a placeholder rather than a credential of its own. */
export function holdsPlaceholder(env: Readonly<Record<string, string | undefined>>): boolean {
  return env.ANTHROPIC_API_KEY === API_KEY_PLACEHOLDER || env.CLAUDE_CODE_OAUTH_TOKEN === OAUTH_TOKEN_PLACEHOLDER;
}

/**
 * With a placeholder, Claude's API requests go to the proxy's credential endpoint, straight and not through
 * HTTP_PROXY (the allowlisting proxy does not list its own endpoint): ANTHROPIC_BASE_URL, and the endpoint's
 * host added to NO_PROXY. Without one (a login of the agent's own), nothing changes.
 */
export function placeholderApiEnv(credentialUrl: URL | null, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  if (credentialUrl === null || !holdsPlaceholder(env)) return {};
  const bypass = (list: string | undefined) => [...(list ?? '').split(','), credentialUrl.hostname].map((h) => h.trim()).filter((h, i, all) => h !== '' && all.indexOf(h) === i).join(',');
  return { ANTHROPIC_BASE_URL: credentialUrl.origin, NO_PROXY: bypass(env.NO_PROXY), no_proxy: bypass(env.no_proxy) };
}
