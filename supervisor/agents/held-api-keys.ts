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
   * Where the key travels: `Authorization: Bearer <key>`, or a header of its own holding just the key; a list when
   * the agent's client picks one by the provider's type (each is swapped only when it holds this placeholder).
   */
  readonly header: KeyHeader | readonly KeyHeader[];
}

export type KeyHeader = 'bearer' | 'x-goog-api-key' | 'x-api-key' | 'api-key';

export const OPENAI_HELD_KEY: HeldApiKey = {
  kind: 'openai-api-key',
  variable: 'OPENAI_API_KEY',
  placeholder: 'sk-agentgate-placeholder-the-egress-proxy-holds-the-openai-key',
  prefix: '/openai',
  upstreamVariable: 'AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI',
  upstream: 'https://api.openai.com/v1',
  header: 'bearer',
};

export const GEMINI_HELD_KEY: HeldApiKey = {
  kind: 'gemini-api-key',
  variable: 'GEMINI_API_KEY',
  placeholder: 'agentgate-placeholder-the-egress-proxy-holds-the-gemini-key',
  prefix: '/gemini',
  upstreamVariable: 'AGENTGATE_CREDENTIAL_UPSTREAM_GEMINI',
  upstream: 'https://generativelanguage.googleapis.com',
  header: 'x-goog-api-key',
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
  header: ['bearer', 'x-api-key', 'api-key'],
};

export const COPILOT_PROVIDER_HELD_TOKEN: HeldApiKey = {
  kind: 'copilot-provider-bearer-token',
  variable: 'COPILOT_PROVIDER_BEARER_TOKEN',
  placeholder: 'agentgate-placeholder-the-egress-proxy-holds-the-copilot-provider-token',
  prefix: '/copilot-provider-token',
  upstreamVariable: 'AGENTGATE_CREDENTIAL_UPSTREAM_COPILOT',
  upstream: null,
  header: 'bearer',
};

export const HELD_API_KEYS: readonly HeldApiKey[] = [OPENAI_HELD_KEY, GEMINI_HELD_KEY, COPILOT_PROVIDER_HELD_KEY, COPILOT_PROVIDER_HELD_TOKEN];

/** The headers a key may travel in, as a list. */
export function keyHeaders(key: HeldApiKey): readonly KeyHeader[] {
  return typeof key.header === 'string' ? [key.header] : key.header;
}

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
