import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_AGENT_CREDENTIALS } from '../egress-defaults.js';
import { GEMINI_HELD_KEY, GOOGLE_HELD_KEY, OPENAI_HELD_KEY, OPENCODE_HELD_KEY, OPENROUTER_HELD_KEY, bypassProxyFor } from '../held-api-keys.js';

type Env = Readonly<Record<string, string | undefined>>;
type Json = Record<string, unknown>;

/**
 * OpenCode's providers whose key the egress proxy can hold: the key's variable and placeholder, and the path on the
 * credential endpoint that its SDK's baseURL takes, so that what the SDK appends arrives where the endpoint swaps
 * the key for the real one. Seen with the pinned OpenCode against a mock: the path each SDK appends and the header
 * its key goes in. A provider listed twice takes the first placeholder the agent holds.
 */
export const OPENCODE_HELD_PROVIDERS = [
  // @ai-sdk/anthropic appends /messages to its baseURL (https://api.anthropic.com/v1); the endpoint's root is Claude's route.
  { provider: 'anthropic', variable: DEFAULT_AGENT_CREDENTIALS.apiKeyVariable, placeholder: DEFAULT_AGENT_CREDENTIALS.apiKeyPlaceholder, path: '/v1' },
  // @ai-sdk/openai appends /responses (or /chat/completions) to https://api.openai.com/v1, the upstream /openai leads to.
  { provider: 'openai', variable: OPENAI_HELD_KEY.variable, placeholder: OPENAI_HELD_KEY.placeholder, path: OPENAI_HELD_KEY.prefix },
  // @ai-sdk/google appends /models/<id>:streamGenerateContent to https://generativelanguage.googleapis.com/v1beta.
  { provider: 'google', variable: GEMINI_HELD_KEY.variable, placeholder: GEMINI_HELD_KEY.placeholder, path: `${GEMINI_HELD_KEY.prefix}/v1beta` },
  // The same API with GOOGLE_API_KEY, when GEMINI_API_KEY's placeholder is not there.
  { provider: 'google', variable: GOOGLE_HELD_KEY.variable, placeholder: GOOGLE_HELD_KEY.placeholder, path: `${GOOGLE_HELD_KEY.prefix}/v1beta` },
  // @openrouter/ai-sdk-provider appends /chat/completions to https://openrouter.ai/api/v1, the upstream /openrouter leads to.
  { provider: 'openrouter', variable: OPENROUTER_HELD_KEY.variable, placeholder: OPENROUTER_HELD_KEY.placeholder, path: OPENROUTER_HELD_KEY.prefix },
  // Zen's models append /chat/completions, /responses, /messages or /models/... to https://opencode.ai/zen/v1; Go's to /zen/go/v1.
  { provider: 'opencode', variable: OPENCODE_HELD_KEY.variable, placeholder: OPENCODE_HELD_KEY.placeholder, path: `${OPENCODE_HELD_KEY.prefix}/v1` },
  { provider: 'opencode-go', variable: OPENCODE_HELD_KEY.variable, placeholder: OPENCODE_HELD_KEY.placeholder, path: `${OPENCODE_HELD_KEY.prefix}/go/v1` },
] as const;

/**
 * The pinned OpenCode (OPENCODE_VERSION) hands a provider its key from the environment only when models.dev lists
 * one variable for it; Google lists three (GOOGLE_API_KEY, GOOGLE_GENERATIVE_AI_API_KEY, GEMINI_API_KEY), so its SDK
 * reads its own GOOGLE_GENERATIVE_AI_API_KEY and a GEMINI_API_KEY or GOOGLE_API_KEY alone gets "API key is
 * missing". The placeholder its baseURL takes goes there too.
 */
const GOOGLE_SDK_KEY_VARIABLE = 'GOOGLE_GENERATIVE_AI_API_KEY';

/** The baseURL each provider gets, by OpenCode's provider id: those whose placeholder the agent holds, with an endpoint. */
export function heldBaseUrls(env: Env, credentialUrl: URL | null): Record<string, string> {
  return Object.fromEntries(heldProviders(env, credentialUrl).map((p) => [p.provider, `${credentialUrl?.origin}${p.path}`]));
}

/** The providers pointed at the endpoint, one entry each (the first whose placeholder the agent holds). */
function heldProviders(env: Env, credentialUrl: URL | null): Array<(typeof OPENCODE_HELD_PROVIDERS)[number]> {
  if (credentialUrl === null) return [];
  const held = OPENCODE_HELD_PROVIDERS.filter((p) => env[p.variable] === p.placeholder);
  return held.filter((p, i) => held.findIndex((q) => q.provider === p.provider) === i);
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Pure: OpenCode's config with the baseURLs set at the last start removed (where they are still as set: one the
 * user changed is theirs now), empty objects left by that removal dropped, and `wanted` set where the user has a
 * baseURL of their own for none. Returns the config and what was set (to remove next time).
 */
export function mergeHeldBaseUrls(config: Json, wanted: Readonly<Record<string, string>>, previous: Readonly<Record<string, string>>): { config: Json; set: Record<string, string> } {
  // A `provider` that is not an object is the user's to fix: OpenCode would refuse it either way.
  if (config.provider !== undefined && !isObject(config.provider)) return { config, set: {} };
  const providers: Json = structuredClone((config.provider as Json | undefined) ?? {});
  for (const [id, url] of Object.entries(previous)) {
    const entry = providers[id];
    if (!isObject(entry) || !isObject(entry.options) || entry.options.baseURL !== url) continue;
    delete entry.options.baseURL;
    if (Object.keys(entry.options).length === 0) delete entry.options;
    if (Object.keys(entry).length === 0) delete providers[id];
  }
  const set: Record<string, string> = {};
  for (const [id, url] of Object.entries(wanted)) {
    const entry = providers[id] ?? {};
    if (!isObject(entry) || (entry.options !== undefined && !isObject(entry.options))) continue;
    // The user's own address wins: a baseURL, or the provider's `api` (which a baseURL would override).
    if ((isObject(entry.options) && entry.options.baseURL !== undefined) || entry.api !== undefined) continue;
    providers[id] = { ...entry, options: { ...(entry.options as Json | undefined), baseURL: url } };
    set[id] = url;
  }
  const { provider: _old, ...rest } = config;
  return { config: Object.keys(providers).length > 0 ? { ...rest, provider: providers } : rest, set };
}

/** Reads a JSON object; `{}` when the file is absent, null when it is there but not a JSON object. */
function readJson(path: string): Json | null {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return isObject(value) ? value : null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? {} : null;
  }
}

/**
 * With the egress proxy holding ANTHROPIC_API_KEY, OPENAI_API_KEY, GEMINI_API_KEY, GOOGLE_API_KEY, OPENROUTER_API_KEY
 * or OPENCODE_API_KEY (the agent holds the placeholder), OpenCode's matching provider sends its requests to the proxy's credential endpoint, set by its
 * documented `provider.<id>.options.baseURL` in its global config (`$XDG_CONFIG_HOME/opencode/opencode.json`, the rest of
 * the file kept; a baseURL of the user's wins, and a file that is not JSON is left alone). What it set is recorded
 * in `$XDG_STATE_HOME/agentgate-base-urls.json` and removed at the next start when the placeholder is gone.
 * Returns NO_PROXY with the endpoint added, so that OpenCode reaches it straight (and Google's placeholder in the
 * variable its SDK reads).
 */
export function pointOpencodeAtHeldKeys(configHome: string, stateHome: string, env: Env, credentialUrl: URL | null): Record<string, string> {
  const wanted = heldBaseUrls(env, credentialUrl);
  const configPath = join(configHome, 'opencode', 'opencode.json');
  const recordPath = join(stateHome, 'agentgate-base-urls.json');
  const previous = readJson(recordPath) ?? {};
  const config = readJson(configPath);
  if (config === null || (Object.keys(wanted).length === 0 && Object.keys(previous).length === 0)) return {};
  const merged = mergeHeldBaseUrls(config, wanted, previous as Record<string, string>);
  if (JSON.stringify(merged.config) !== JSON.stringify(config)) {
    mkdirSync(join(configHome, 'opencode'), { recursive: true, mode: 0o700 });
    writeFileSync(configPath, `${JSON.stringify(merged.config, null, 2)}\n`, { mode: 0o600 });
  }
  if (Object.keys(merged.set).length > 0) {
    mkdirSync(stateHome, { recursive: true, mode: 0o700 });
    writeFileSync(recordPath, `${JSON.stringify(merged.set)}\n`, { mode: 0o600 });
  } else rmSync(recordPath, { force: true });
  if (credentialUrl === null || Object.keys(wanted).length === 0) return {};
  const google = heldProviders(env, credentialUrl).find((p) => p.provider === 'google');
  const googleKey: Record<string, string> = google !== undefined && !env[GOOGLE_SDK_KEY_VARIABLE] ? { [GOOGLE_SDK_KEY_VARIABLE]: google.placeholder } : {};
  return { ...googleKey, ...bypassProxyFor(credentialUrl, env) };
}
