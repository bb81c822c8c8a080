import { z } from 'zod';
import { isSecretName } from './secret-names.js';

const PREFIX = 'AGENTGATE_';

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const sessionName = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" or "-" (tmux reserves "." and ":")');

/**
 * The whole environment the supervisor reads, in one schema, read once at start.
 * Keys are the variable names without the AGENTGATE_ prefix; the README table lists each.
 */
export const envSchema = z
  .object({
    AGENT: z.string().trim().min(1).default('claude'),
    AGENT_ARGS: z.string().default(''),
    WORKSPACE: z.string().startsWith('/', 'an absolute path').default('/workspace'),
    WORKSPACE_STRICT: z.stringbool().default(false),
    SESSION: sessionName.default('agent'),
    RESTART: z.enum(['always', 'on-failure', 'never']).default('always'),
    BACKOFF_INITIAL_MS: integer(0, 3_600_000).default(1000),
    BACKOFF_MAX_MS: integer(0, 3_600_000).default(60_000),
    BACKOFF_FACTOR: z.coerce.number().min(1).max(10).default(2),
    BACKOFF_JITTER: z.coerce.number().min(0).max(1).default(0.2),
    STABLE_RUN_MS: integer(0, 86_400_000).default(60_000),
    CRASH_LOOP_RESTARTS: integer(1, 1000).default(5),
    CRASH_LOOP_WINDOW_MS: integer(1000, 86_400_000).default(300_000),
    STOP_GRACE_MS: integer(0, 3_600_000).default(8000),
    HEALTH_HOST: z.string().min(1).default('127.0.0.1'),
    HEALTH_PORT: integer(1, 65_535).default(7433),
    LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
    GIT_NAME: z.string().min(1).optional(),
    GIT_EMAIL: z.string().min(1).optional(),
    STATE_DIR: z.string().startsWith('/', 'an absolute path').default('/home/agentgate/.claude'),
    CREDENTIALS_FILE: z.string().startsWith('/', 'an absolute path').default('/run/secrets/claude_credentials'),
    SSH_DIR: z.string().startsWith('/', 'an absolute path').default('/run/host-ssh'),
  });


/**
 * Checked on its own: zod skips object-level refinements once a field has failed to parse,
 * and every problem must be reported at once.
 */
export const backoffRangeSchema = envSchema
  .pick({ BACKOFF_INITIAL_MS: true, BACKOFF_MAX_MS: true })
  .refine((c) => c.BACKOFF_MAX_MS >= c.BACKOFF_INITIAL_MS, {
    path: ['BACKOFF_MAX_MS'],
    message: 'a number >= AGENTGATE_BACKOFF_INITIAL_MS',
  });

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
  if (issue.code === 'invalid_value' && issue.values.includes('true')) return 'a boolean (true/false, 1/0, yes/no, on/off)';
  if (issue.code === 'invalid_value') return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'too_small') return `a number >= ${issue.minimum}`;
  if (issue.code === 'too_big') return `a number <= ${issue.maximum}`;
  if (issue.code === 'invalid_type' && issue.expected === 'number') return 'a number';
  if (issue.code === 'invalid_type' && issue.expected === 'int') return 'an integer';
  if (issue.code === 'invalid_format' && issue.format === 'starts_with') return 'an absolute path';
  return issue.message;
}
