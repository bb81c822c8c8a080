// zod/mini: the same validation as zod with a tenth of the code to load, which matters at every container start.
import * as z from 'zod/mini';
import { isSecretName } from './secret-names.js';

const PREFIX = 'AGENTGATE_';

const integer = (min: number, max: number, fallback: number) =>
  z._default(z.coerce.number().check(z.int(), z.gte(min), z.lte(max)), fallback);
const absolutePath = (fallback: string) => z._default(z.string().check(z.startsWith('/', 'an absolute path')), fallback);
const oneOf = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) => z._default(z.enum(values), fallback);

/**
 * The whole environment the supervisor reads, in one schema, read once at start.
 * Keys are the variable names without the AGENTGATE_ prefix; the README table lists each.
 */
export const envSchema = z.object({
  AGENT: z._default(z.string().check(z.trim(), z.minLength(1)), 'claude'),
  AGENT_ARGS: z._default(z.string(), ''),
  WORKSPACE: absolutePath('/workspace'),
  WORKSPACE_STRICT: z._default(z.stringbool(), false),
  SESSION: z._default(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" or "-" (tmux reserves "." and ":")')), 'agent'),
  RESTART: oneOf(['always', 'on-failure', 'never'], 'always'),
  BACKOFF_INITIAL_MS: integer(0, 3_600_000, 1000),
  BACKOFF_MAX_MS: integer(0, 3_600_000, 60_000),
  BACKOFF_FACTOR: z._default(z.coerce.number().check(z.gte(1), z.lte(10)), 2),
  BACKOFF_JITTER: z._default(z.coerce.number().check(z.gte(0), z.lte(1)), 0.2),
  STABLE_RUN_MS: integer(0, 86_400_000, 60_000),
  CRASH_LOOP_RESTARTS: integer(1, 1000, 5),
  CRASH_LOOP_WINDOW_MS: integer(1000, 86_400_000, 300_000),
  STOP_GRACE_MS: integer(0, 3_600_000, 8000),
  HEALTH_HOST: z._default(z.string().check(z.minLength(1)), '127.0.0.1'),
  HEALTH_PORT: integer(1, 65_535, 7433),
  LOG_LEVEL: oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], 'info'),
  LOG_FORMAT: oneOf(['json', 'pretty'], 'json'),
  GIT_NAME: z.optional(z.string().check(z.minLength(1))),
  GIT_EMAIL: z.optional(z.string().check(z.minLength(1))),
  STATE_DIR: absolutePath('/home/agentgate/.claude'),
  CREDENTIALS_FILE: absolutePath('/run/secrets/claude_credentials'),
  SSH_DIR: absolutePath('/run/host-ssh'),
});

/**
 * Checked on its own: zod skips object-level refinements once a field has failed to parse,
 * and every problem must be reported at once.
 */
export const backoffRangeSchema = z
  .pick(envSchema, { BACKOFF_INITIAL_MS: true, BACKOFF_MAX_MS: true })
  .check(
    z.refine((c) => c.BACKOFF_MAX_MS >= c.BACKOFF_INITIAL_MS, {
      path: ['BACKOFF_MAX_MS'],
      message: 'a number >= AGENTGATE_BACKOFF_INITIAL_MS',
    }),
  );

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
  const shown = value === undefined ? '(unset)' : isSecretName(name) ? '[redacted]' : JSON.stringify(value);
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
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'an integer';
  if (issue.code === 'invalid_format' && issue.format === 'starts_with') return 'an absolute path';
  return issue.message;
}
