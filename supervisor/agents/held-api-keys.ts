/**
 * The API keys of agents other than Claude that the egress proxy can hold (Claude's are DEFAULT_AGENT_CREDENTIALS):
 * each has its own path on the credential endpoint, its own upstream (the only host its real value goes to), the
 * header it travels in, and the placeholder the agent holds instead. Plain data, so that the proxy's bundle loads
 * no agent's code. The placeholders are not secrets, and say so to anyone who finds them.
 */
export interface HeldApiKey {
  /** The kind, as health and the `credential request` log line name it (never the value). */
  readonly kind: string;
  /** The proxy's variable holding the real key, and the agent's holding the placeholder. */
  readonly variable: string;
  readonly placeholder: string;
  /** The path on the credential endpoint that leads to this upstream (the rest of the path follows the upstream's). */
  readonly prefix: string;
  /** The variable that overrides the upstream, and its default (null: none, the operator must give it). */
  readonly upstreamVariable: string;
  readonly upstream: string | null;
  /**
   * Where the key travels: `Authorization: Bearer <key>`, or a header of its own holding just the key. More than one
   * for a service whose SDK depends on the model (OpenCode Zen: OpenAI's, Anthropic's or Google's, with one key) or
   * an agent whose client picks one by the provider's type (Copilot's own provider); each is swapped only when it
   * holds this placeholder.
   */
  readonly headers: readonly KeyHeader[];
  /** Held only for these agents' presets (AGENTGATE_AGENT); for any other the variable means another service. */
  readonly agents?: readonly string[];
}

export type KeyHeader = 'bearer' | 'x-api-key' | 'x-goog-api-key' | 'api-key';

export const OPENAI_HELD_KEY: HeldApiKey = {
  kind: 'openai-api-key',
  variable: 'OPENAI_API_KEY',
  placeholder: 'sk-agentgate-placeholder-the-egress-proxy-holds-the-openai-key',
  prefix: '/openai',
  upstreamVariable: 'AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI',
  upstream: 'https://api.openai.com/v1',
  headers: ['bearer'],
};

export const GEMINI_HELD_KEY: HeldApiKey = {
  kind: 'gemini-api-key',
  variable: 'GEMINI_API_KEY',
  placeholder: 'agentgate-placeholder-the-egress-proxy-holds-the-gemini-key',
  prefix: '/gemini',
  upstreamVariable: 'AGENTGATE_CREDENTIAL_UPSTREAM_GEMINI',
  upstream: 'https://generativelanguage.googleapis.com',
  headers: ['x-goog-api-key'],
};

/**
 * OpenCode's `google` provider with GOOGLE_API_KEY: the same API as GEMINI_API_KEY's, a path and placeholder of its
 * own. Only for OpenCode: Gemini CLI reads GOOGLE_API_KEY for Vertex AI, another API, which the proxy does not serve.
 */
export const GOOGLE_HELD_KEY: HeldApiKey = {
  kind: 'google-api-key',
  variable: 'GOOGLE_API_KEY',
  placeholder: 'agentgate-placeholder-the-egress-proxy-holds-the-google-key',
  prefix: '/google',
  upstreamVariable: 'AGENTGATE_CREDENTIAL_UPSTREAM_GEMINI',
  upstream: 'https://generativelanguage.googleapis.com',
  headers: ['x-goog-api-key'],
  agents: ['opencode'],
};

/** OpenCode's `openrouter` provider (@openrouter/ai-sdk-provider): Chat Completions under /api/v1, a bearer token. */
export const OPENROUTER_HELD_KEY: HeldApiKey = {
  kind: 'openrouter-api-key',
  variable: 'OPENROUTER_API_KEY',
  placeholder: 'sk-or-agentgate-placeholder-the-egress-proxy-holds-the-openrouter-key',
  prefix: '/openrouter',
  upstreamVariable: 'AGENTGATE_CREDENTIAL_UPSTREAM_OPENROUTER',
  upstream: 'https://openrouter.ai/api/v1',
  headers: ['bearer'],
};

/**
 * OpenCode Zen and OpenCode Go (`opencode`, `opencode-go`: https://opencode.ai/zen/v1 and /zen/go/v1), one key for
 * both. Each Zen model has its own SDK, so the key goes as a bearer token (OpenAI's and the compatible ones),
 * `x-api-key` (Anthropic's) or `x-goog-api-key` (Google's), all to this one upstream.
 */
export const OPENCODE_HELD_KEY: HeldApiKey = {
  kind: 'opencode-api-key',
  variable: 'OPENCODE_API_KEY',
  placeholder: 'sk-agentgate-placeholder-the-egress-proxy-holds-the-opencode-key',
  prefix: '/opencode',
  upstreamVariable: 'AGENTGATE_CREDENTIAL_UPSTREAM_OPENCODE',
  upstream: 'https://opencode.ai/zen',
  headers: ['bearer', 'x-api-key', 'x-goog-api-key'],
};

/**
 * Copilot CLI's own provider (BYOK): its API has no fixed address, so the upstream is the user's
 * COPILOT_PROVIDER_BASE_URL given to the proxy. The pinned CLI (COPILOT_VERSION; observed against a mock) sends
 * COPILOT_PROVIDER_API_KEY as `Authorization: Bearer` for the default type (openai, and the responses wire API),
 * `x-api-key` for `COPILOT_PROVIDER_TYPE=anthropic`, `api-key` for azure; COPILOT_PROVIDER_BEARER_TOKEN (which wins
 * over the key) as `Authorization: Bearer` for every type. One path each, to the same upstream.
 */
export const COPILOT_PROVIDER_HELD_KEY: HeldApiKey = {
  kind: 'copilot-provider-api-key',
  variable: 'COPILOT_PROVIDER_API_KEY',
  placeholder: 'agentgate-placeholder-the-egress-proxy-holds-the-copilot-provider-key',
  prefix: '/copilot-provider',
  upstreamVariable: 'AGENTGATE_CREDENTIAL_UPSTREAM_COPILOT',
  upstream: null,
  headers: ['bearer', 'x-api-key', 'api-key'],
};

export const COPILOT_PROVIDER_HELD_TOKEN: HeldApiKey = {
  kind: 'copilot-provider-bearer-token',
  variable: 'COPILOT_PROVIDER_BEARER_TOKEN',
  placeholder: 'agentgate-placeholder-the-egress-proxy-holds-the-copilot-provider-token',
  prefix: '/copilot-provider-token',
  upstreamVariable: 'AGENTGATE_CREDENTIAL_UPSTREAM_COPILOT',
  upstream: null,
  headers: ['bearer'],
};

export const HELD_API_KEYS: readonly HeldApiKey[] = [OPENAI_HELD_KEY, GEMINI_HELD_KEY, GOOGLE_HELD_KEY, OPENROUTER_HELD_KEY, OPENCODE_HELD_KEY, COPILOT_PROVIDER_HELD_KEY, COPILOT_PROVIDER_HELD_TOKEN];

/**
 * The agent's API address on the credential endpoint when it holds `key`'s placeholder and the proxy's endpoint is
 * known (AGENTGATE_CREDENTIAL_URL); null otherwise (a key of its own, or no proxy): nothing changes then.
 */
export function heldKeyBaseUrl(key: HeldApiKey, credentialUrl: URL | null, env: Readonly<Record<string, string | undefined>>): string | null {
  return credentialUrl !== null && env[key.variable] === key.placeholder ? `${credentialUrl.origin}${key.prefix}` : null;
}

/** NO_PROXY and no_proxy with the endpoint's host added: the agent reaches it straight, not through HTTP_PROXY. */
export function bypassProxyFor(credentialUrl: URL, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const bypass = (list: string | undefined) => [...(list ?? '').split(','), credentialUrl.hostname].map((h) => h.trim()).filter((h, i, all) => h !== '' && all.indexOf(h) === i).join(',');
  return { NO_PROXY: bypass(env.NO_PROXY), no_proxy: bypass(env.no_proxy) };
}
