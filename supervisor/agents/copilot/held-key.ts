import { COPILOT_PROVIDER_HELD_KEY, COPILOT_PROVIDER_HELD_TOKEN, bypassProxyFor, heldKeyBaseUrl } from '../held-api-keys.js';

/**
 * With the egress proxy holding Copilot's own-provider credential (the agent holds its placeholder), Copilot's
 * model requests go to the proxy's credential endpoint through its documented COPILOT_PROVIDER_BASE_URL, which
 * replaces the user's (the proxy is given that one as its upstream, AGENTGATE_CREDENTIAL_UPSTREAM_COPILOT).
 * COPILOT_PROVIDER_BEARER_TOKEN wins over COPILOT_PROVIDER_API_KEY in the CLI, so its path wins here too. The
 * CLI appends its own paths (`/chat/completions`, `/responses`, `/v1/messages`, `/openai/v1/...`) to the base URL,
 * and the endpoint forwards them to the upstream as they come. Nothing changes without a placeholder.
 */
export function pointCopilotAtHeldKey(env: Readonly<Record<string, string | undefined>>, credentialUrl: URL | null): Record<string, string> {
  const baseUrl = heldKeyBaseUrl(COPILOT_PROVIDER_HELD_TOKEN, credentialUrl, env) ?? heldKeyBaseUrl(COPILOT_PROVIDER_HELD_KEY, credentialUrl, env);
  if (!baseUrl || credentialUrl === null) return {};
  return { COPILOT_PROVIDER_BASE_URL: baseUrl, ...bypassProxyFor(credentialUrl, env) };
}
