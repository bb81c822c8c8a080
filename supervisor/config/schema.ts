// zod/mini: the same validation as zod with a tenth of the code to load, which matters at every container start.
import * as z from 'zod/mini';
import { DEFAULT_AGENT_CREDENTIALS } from '../agents/egress-defaults.js';
import { GEMINI_HELD_KEY, OPENAI_HELD_KEY, OPENCODE_HELD_KEY, OPENROUTER_HELD_KEY } from '../agents/held-api-keys.js';
import { DEFAULT_AGENT, DEFAULT_CREDENTIALS_FILE, DEFAULT_STATE_DIR } from '../agents/registry.js';
import { isSecretName } from './secret-names.js';

export const PREFIX = 'AGENTGATE_';

// Decimal digits only: Number() would also take "0x10", "1e3", "0b101" and " " (as 0).
const DIGITS = /^[0-9]+$/;
const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;
// No leading or trailing whitespace: a stray space in a path or host is invisible in most terminals.
const TRIMMED_PATH = /^\/(.*\S)?$/s;
const NO_SPACES = /^\S+$/;

const digits = (min: number, max: number) =>
  z.pipe(z.string().check(z.regex(DIGITS, 'an integer (decimal digits only)')), z.coerce.number<string>().check(z.gte(min), z.lte(max)));
const integer = (min: number, max: number, fallback: number) => z._default(digits(min, max), fallback);
const decimal = (min: number, max: number, fallback: number) =>
  z._default(
    z.pipe(z.string().check(z.regex(DECIMAL, 'a decimal number such as 1.5')), z.coerce.number<string>().check(z.gte(min), z.lte(max))),
    fallback,
  );
const absolutePath = (fallback: string) => z._default(z.string().check(z.regex(TRIMMED_PATH, 'an absolute path, without leading or trailing spaces')), fallback);
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) => z._default(z.enum(values), fallback);
const nonBlank = (what: string) => z.string().check(z.regex(/\S/, what));

/**
 * The whole environment the supervisor reads, in one schema, read once at start.
 * Keys are the variable names without the AGENTGATE_ prefix. docs/configuration.md is generated from this
 * schema and docs/src/variable-docs.ts (make docs), which says what each means.
 */
export const envSchema = z.object({
  AGENT: z._default(nonBlank(`"${DEFAULT_AGENT}", "none" or a command line (it is blank)`).check(z.trim()), DEFAULT_AGENT),
  AGENT_ARGS: z._default(z.string(), ''),
  WORKSPACE: absolutePath('/workspace'),
  WORKSPACE_STRICT: z._default(z.stringbool(), false),
  SESSION: z._default(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" or "-" (tmux reserves "." and ":")')), 'agent'),
  RESTART: oneOf(['always', 'on-failure', 'never'], 'always'),
  BACKOFF_INITIAL_MS: integer(0, 3_600_000, 1000),
  BACKOFF_MAX_MS: integer(0, 3_600_000, 60_000),
  BACKOFF_FACTOR: decimal(1, 10, 2),
  BACKOFF_JITTER: decimal(0, 1, 0.2),
  STABLE_RUN_MS: integer(0, 86_400_000, 60_000),
  CRASH_LOOP_RESTARTS: integer(1, 1000, 5),
  CRASH_LOOP_WINDOW_MS: integer(1000, 86_400_000, 300_000),
  STOP_GRACE_MS: z.optional(digits(0, 3_600_000)),
  STOP_TIMEOUT_MS: z.optional(digits(2000, 3_602_000)),
  ON_START_ERROR: oneOf(['exit', 'wait'], 'exit'),
  HEALTH_HOST: z._default(z.string().check(z.regex(NO_SPACES, 'a host name or IP address, without spaces')), '127.0.0.1'),
  HEALTH_PORT: integer(1, 65_535, 7433),
  LOG_LEVEL: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], 'info'),
  LOG_FORMAT: oneOf(['json', 'pretty'], 'json'),
  GIT_NAME: z.optional(nonBlank('a name (it is blank)')),
  GIT_EMAIL: z.optional(z.string().check(z.regex(NO_SPACES, 'an email address, without spaces'))),
  STATE_DIR: absolutePath(DEFAULT_STATE_DIR),
  CREDENTIALS_FILE: absolutePath(DEFAULT_CREDENTIALS_FILE),
  SSH_DIR: absolutePath('/run/host-ssh'),
  // Set by compose from the host: a relative path there is resolved from compose/, not from where the user stands.
  IDLE_MS: integer(1000, 86_400_000, 15_000),
  PROXY_HOST: z._default(z.string().check(z.regex(NO_SPACES, 'a host name or IP address, without spaces')), '0.0.0.0'),
  PROXY_PORT: integer(1, 65_535, 3128),
  EGRESS_ALLOW: z.optional(z.string()),
  CREDENTIAL_PORT: integer(1, 65_535, 3129),
  CREDENTIAL_UPSTREAM: z._default(z.string().check(z.regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'an http:// or https:// URL')), DEFAULT_AGENT_CREDENTIALS.upstream),
  CREDENTIAL_UPSTREAM_OPENAI: z._default(z.string().check(z.regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'an http:// or https:// URL')), OPENAI_HELD_KEY.upstream as string),
  CREDENTIAL_UPSTREAM_GEMINI: z._default(z.string().check(z.regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'an http:// or https:// URL')), GEMINI_HELD_KEY.upstream as string),
  CREDENTIAL_UPSTREAM_OPENROUTER: z._default(z.string().check(z.regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'an http:// or https:// URL')), OPENROUTER_HELD_KEY.upstream as string),
  CREDENTIAL_UPSTREAM_OPENCODE: z._default(z.string().check(z.regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'an http:// or https:// URL')), OPENCODE_HELD_KEY.upstream as string),
  // No default: Copilot's own provider is wherever the user's COPILOT_PROVIDER_BASE_URL says.
  CREDENTIAL_UPSTREAM_COPILOT: z.optional(z.string().check(z.regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'an http:// or https:// URL'))),
  EGRESS_SELFTEST: oneOf(['off', 'on', 'strict'], 'off'),
  CREDENTIAL_URL: z.optional(z.string().check(z.regex(/^http:\/\/[^\s/]+\/?$/, 'an http:// URL of the proxy, such as http://egress:3129'))),
  GIT_CREDENTIAL_URL: z.optional(z.string().check(z.regex(/^http:\/\/[^\s/]+\/?$/, 'an http:// URL of the proxy, such as http://egress:3130'))),
  GIT_PORT: integer(1, 65_535, 3130),
  GIT_CREDENTIALS_FILE: z.optional(z.string().check(z.regex(TRIMMED_PATH, 'an absolute path'))),
  GIT_USERNAME: z._default(z.string().check(z.regex(/^[^\s:]+$/, 'a username without spaces or colons')), 'x-access-token'),
  EGRESS_PROBE: z._default(z.string().check(z.regex(/^[^\s:]+:\d{1,5}$/, 'host:port')), '1.1.1.1:443'),
  EGRESS_ALLOW_FILE: absolutePath('/etc/agentgate/egress-allow'),
  EGRESS_ASK: oneOf(['off', 'on'], 'off'),
  EGRESS_ASK_WAIT_MS: integer(1000, 3_600_000, 60_000),
  EGRESS_ASK_FEED_PORT: integer(1, 65_535, 3131),
  EGRESS_ASK_FEED_URL: z.optional(z.string().check(z.regex(/^http:\/\/[^\s/]+\/?$/, 'an http:// URL of the proxy, such as http://egress:3131'))),
  RECORD: z._default(z.stringbool(), false),
  TRANSCRIPT: z._default(z.stringbool(), false),
  RECORD_MAX_MB: integer(1, 1_000_000, 200),
  SSH_PORT: z.optional(digits(1, 65_535)),
  SSH_HOST: z._default(z.string().check(z.regex(NO_SPACES, 'a host name or IP address, without spaces')), '0.0.0.0'),
  SSH_AUTHORIZED_KEYS: absolutePath('/run/secrets/ssh_authorized_keys'),
  SSH_READONLY_KEYS: absolutePath('/run/secrets/ssh_readonly_keys'),
  SSH_ON_AGENT_EXIT: oneOf(['stay', 'end'], 'stay'),
  NOTIFY_URL: z.optional(z.string().check(z.regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'an http:// or https:// URL'))),
  NOTIFY_SECRET: z.optional(z.string()),
  NOTIFY_FORMAT: oneOf(['json', 'ntfy', 'slack'], 'json'),
  // Where a person's phone reaches the health server: the base of the webhook's approve and deny links.
  // No ",", ";" or quotes: the links go into ntfy's Actions header, which those would split.
  PUBLIC_URL: z.optional(z.string().check(z.regex(/^https?:\/\/[^\s/?#,;"']+(\/[^\s?#,;"']*)?$/, 'an http:// or https:// URL, without ?query, #fragment, commas, semicolons or quotes'))),
  // The agent's PermissionRequest hook waits at most this long for a remote answer; the image's hook timeout is 3600 s.
  DECISION_WAIT_MS: integer(0, 3_540_000, 300_000),
  ANSWER_TOKEN_SHA256: z.optional(z.string().check(z.regex(/^[0-9a-f]{64}$/, 'the SHA-256 of the answer token: 64 lowercase hex digits'))),
  RESUME: z.optional(z.stringbool()),
  // Never shown in an error or a log line: it can hold private text.
  PROMPT: z.optional(z.string()),
  PROMPT_FILE: z.optional(z.string().check(z.regex(TRIMMED_PATH, 'an absolute path, without leading or trailing spaces'))),
  PROJECT_DIR: z.optional(
    z.string().check(z.regex(/^(\/|[A-Za-z]:[\\/])/, 'an absolute host path (compose resolves a relative one from compose/, not from where you stand): use "$PWD" or a full path')),
  ),
});

/**
 * Variables that compose and the Makefile read on the host, and those the supervisor gives the agent (RUN_ID
 * marks its processes; HOOK_URL and HOOK_TOKEN are where its hooks report).
 * They may reach the container; they are known, so they are not reported as misspellings.
 */
export const HOST_SIDE_NAMES = ['UID', 'GID', 'CPUS', 'MEMORY', 'IMAGE', 'NAME', 'RUN_ID', 'HOOK_URL', 'HOOK_TOKEN', 'ANSWER_TOKEN'] as const;

export type RawConfig = z.infer<typeof envSchema>;

/** Picks the AGENTGATE_* variables out of the environment, without the prefix; empty means unset. */
export function pickPrefixed(env: Record<string, string | undefined>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith(PREFIX) && value !== undefined && value !== '') picked[name.slice(PREFIX.length)] = value;
  }
  return picked;
}

/** One line per problem: the variable, the value it had (unless secret) and what was expected. */
export function describeIssue(issue: z.core.$ZodIssue, raw: Record<string, string>): string {
  const key = String(issue.path[0] ?? '');
  const name = `${PREFIX}${key}`;
  const value = raw[key];
  const shown = value === undefined ? '(unset)' : isSecretName(name) || key === 'PROMPT' ? '[redacted]' : JSON.stringify(value);
  return `${name}=${shown}: expected ${expectation(issue)}`;
}

function expectation(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_value' && (issue.values.includes('true') || (issue as { expected?: string }).expected === 'stringbool')) {
    return 'a boolean (true/false, 1/0, yes/no, on/off)';
  }
  if (issue.code === 'invalid_value') return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'too_small') return `a number >= ${issue.minimum}`;
  if (issue.code === 'too_big') return `a number <= ${issue.maximum}`;
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'a number';
  return issue.message;
}
