import { DEFAULT_AGENT_CREDENTIALS } from '../../supervisor/agents/egress-defaults.js';
import { COPILOT_PROVIDER_HELD_KEY, HELD_API_KEYS } from '../../supervisor/agents/held-api-keys.js';

/** What the proxy is given to hold: the real credentials (by variable name), and where it forwards them. */
export interface ProxyCredentials {
  /** ANTHROPIC_API_KEY and CLAUDE_CODE_OAUTH_TOKEN as given to `up` (shell or --env), the other agents' keys (HELD_API_KEYS); empty when none. */
  held: Record<string, string>;
  /** AGENTGATE_CREDENTIAL_UPSTREAM from the shell (the API by default): the only host the values go to. */
  upstream: string | null;
}

/**
 * Moved to the proxy whole: git tokens for its git endpoint (AGENTGATE_GIT_TOKEN_<HOST>, and the username it sends
 * them with), and the upstreams of the other agents' keys (AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI, _GEMINI, _OPENROUTER,
 * _OPENCODE and _COPILOT).
 */
const MOVED_WHOLE = /^AGENTGATE_(GIT_TOKEN_[A-Z0-9_]+|GIT_USERNAME|CREDENTIAL_UPSTREAM_(OPENAI|GEMINI|OPENROUTER|OPENCODE|COPILOT))=/;

const HELD: ReadonlyArray<{ name: string; placeholder: string; agents?: readonly string[] }> = [
  { name: DEFAULT_AGENT_CREDENTIALS.apiKeyVariable, placeholder: DEFAULT_AGENT_CREDENTIALS.apiKeyPlaceholder },
  { name: DEFAULT_AGENT_CREDENTIALS.oauthTokenVariable, placeholder: DEFAULT_AGENT_CREDENTIALS.oauthTokenPlaceholder },
  // The other agents' keys: the supervisor points those agents at the endpoint's /openai, /gemini, ... paths.
  ...HELD_API_KEYS.map((key) => ({ name: key.variable, placeholder: key.placeholder, agents: key.agents })),
];

/**
 * `up --egress`, as compose/egress.yaml does it: the API keys and the OAuth token go to the proxy only, and the
 * agent gets a placeholder for each one given (the supervisor then points the agent at the proxy's credential
 * endpoint, which swaps the placeholder for the value on the way to the API host, and to that host only).
 */
export function moveCredentialsToProxy(agentEnv: readonly string[]): { agentEnv: string[]; held: Record<string, string> } {
  const held: Record<string, string> = {};
  const agent = agentEnv.find((line) => line.startsWith('AGENTGATE_AGENT='))?.slice('AGENTGATE_AGENT='.length) ?? 'claude';
  // Git tokens (and the upstreams) go to the proxy whole: the agent needs no placeholder, its git is routed through the endpoint.
  const gitLines = agentEnv.filter((line) => MOVED_WHOLE.test(line));
  for (const line of gitLines) held[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
  const env = agentEnv.filter((line) => !MOVED_WHOLE.test(line)).map((line) => {
    // A key held for some agents only (GOOGLE_API_KEY, OpenCode's) stays with any other, which uses it elsewhere.
    const credential = HELD.find((c) => line.startsWith(`${c.name}=`) && (c.agents === undefined || c.agents.includes(agent)));
    if (!credential) return line;
    const value = line.slice(credential.name.length + 1);
    if (value === '' || value === credential.placeholder) return line;
    held[credential.name] = value;
    return `${credential.name}=${credential.placeholder}`;
  });
  // Copilot's own provider has no fixed API: the proxy forwards its key to the user's COPILOT_PROVIDER_BASE_URL
  // (the agent keeps that too, not a secret; its supervisor replaces it with the endpoint's path).
  const copilotHeld = HELD_API_KEYS.some((key) => key.upstreamVariable === COPILOT_PROVIDER_HELD_KEY.upstreamVariable && held[key.variable] !== undefined);
  const baseUrl = agentEnv.find((line) => line.startsWith('COPILOT_PROVIDER_BASE_URL='))?.slice('COPILOT_PROVIDER_BASE_URL='.length);
  if (copilotHeld && held[COPILOT_PROVIDER_HELD_KEY.upstreamVariable] === undefined && baseUrl) held[COPILOT_PROVIDER_HELD_KEY.upstreamVariable] = baseUrl;
  return { agentEnv: env, held };
}

/**
 * Copilot's own provider when the agent reaches it straight, through the allowlist: a provider with no key or bearer
 * token for the proxy to hold (a local model server, or COPILOT_PROVIDER_API_KEY_COMMAND), as `host:port`. A held key
 * goes through the credential endpoint instead, which needs no entry. Null otherwise, or for a base URL that is not one.
 */
export function copilotProviderHost(agentEnv: readonly string[]): string | null {
  const value = (name: string) => agentEnv.find((line) => line.startsWith(`${name}=`))?.slice(name.length + 1) ?? '';
  if (HELD_API_KEYS.some((key) => key.upstreamVariable === COPILOT_PROVIDER_HELD_KEY.upstreamVariable && value(key.variable) !== '')) return null;
  try {
    const url = new URL(value('COPILOT_PROVIDER_BASE_URL'));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return `${url.hostname}:${url.port || (url.protocol === 'https:' ? '443' : '80')}`;
  } catch {
    return null;
  }
}

/** The proxy's environment lines for them. */
export function proxyCredentialEnv(credentials: ProxyCredentials): string[] {
  return [
    ...Object.entries(credentials.held).map(([name, value]) => `${name}=${value}`),
    ...(credentials.upstream ? [`AGENTGATE_CREDENTIAL_UPSTREAM=${credentials.upstream}`] : []),
  ];
}

/** The credentials an existing proxy holds (from its environment), to keep them when it is made again. */
export function credentialsOfProxy(env: readonly string[] | undefined): ProxyCredentials {
  const held: Record<string, string> = {};
  let upstream: string | null = null;
  for (const line of env ?? []) {
    for (const c of HELD) if (line.startsWith(`${c.name}=`) && line.length > c.name.length + 1) held[c.name] = line.slice(c.name.length + 1);
    if (MOVED_WHOLE.test(line)) held[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    if (line.startsWith('AGENTGATE_CREDENTIAL_UPSTREAM=')) upstream = line.slice('AGENTGATE_CREDENTIAL_UPSTREAM='.length);
  }
  return { held, upstream };
}

/** The same values (and the same upstream where one is asked for) as `wanted`: a proxy that can keep serving. */
export function sameCredentials(had: ProxyCredentials, wanted: ProxyCredentials): boolean {
  const names = new Set([...Object.keys(had.held), ...Object.keys(wanted.held)]);
  return [...names].every((n) => had.held[n] === wanted.held[n]) && (wanted.upstream === null || wanted.upstream === had.upstream);
}

/** What the proxy is to hold: what is given, and for what is not, what it held (its key, its upstream). */
export function keepUngiven(had: ProxyCredentials, given: ProxyCredentials): ProxyCredentials {
  return { held: Object.keys(given.held).length > 0 ? given.held : had.held, upstream: given.upstream ?? had.upstream };
}

/** The proxy holds a git token: its git endpoint listens, and agents behind it route their git there. */
export function holdsGitToken(credentials: ProxyCredentials): boolean {
  return Object.keys(credentials.held).some((name) => name.startsWith('AGENTGATE_GIT_TOKEN_'));
}
