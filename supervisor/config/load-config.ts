import { ConfigError } from '../errors.js';
import type { BackoffOptions } from '../policy/backoff.js';
import type { RestartPolicyOptions } from '../policy/restart-policy.js';
import { backoffRangeSchema, describeIssue, envSchema, pickPrefixed } from './schema.js';

/** The agent presets: a name users can give instead of a command line. */
const AGENT_PRESETS: Record<string, string> = { claude: 'claude' };

export interface AgentConfig {
  /** `none` runs no agent: the container stays up for `docker exec` (keep-alive mode). */
  kind: 'agent' | 'none';
  /** The command line run in the tmux pane (by `sh -c "exec ..."`, so shell quoting works). */
  commandLine: string;
  /** The program the command line starts, checked on PATH at startup. */
  program: string;
}

export interface Config {
  agent: AgentConfig;
  workspace: { path: string; strict: boolean };
  sessionName: string;
  restart: RestartPolicyOptions;
  stopGraceMs: number;
  health: { host: string; port: number };
  log: { level: string; format: 'json' | 'pretty' };
  git: { name?: string; email?: string };
  state: { stateDir: string; credentialsFile: string; sshDir: string };
}

/** Reads and validates the AGENTGATE_* variables; throws one ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const raw = pickPrefixed(env);
  const parsed = envSchema.safeParse(raw);
  // The range schema re-reports field errors the main schema already has: keep only its own check.
  const rangeIssues = backoffRangeSchema.safeParse(raw).error?.issues.filter((i) => i.code === 'custom') ?? [];
  if (!parsed.success || rangeIssues.length > 0) {
    const issues = [...(parsed.error?.issues ?? []), ...rangeIssues];
    throw new ConfigError(issues.map((issue) => describeIssue(issue, raw)));
  }
  const c = parsed.data;
  const backoff: BackoffOptions = {
    initialMs: c.BACKOFF_INITIAL_MS,
    maxMs: c.BACKOFF_MAX_MS,
    factor: c.BACKOFF_FACTOR,
    jitter: c.BACKOFF_JITTER,
  };
  return {
    agent: resolveAgent(c.AGENT, c.AGENT_ARGS),
    workspace: { path: c.WORKSPACE, strict: c.WORKSPACE_STRICT },
    sessionName: c.SESSION,
    restart: {
      policy: c.RESTART,
      backoff,
      stableRunMs: c.STABLE_RUN_MS,
      crashLoopRestarts: c.CRASH_LOOP_RESTARTS,
      crashLoopWindowMs: c.CRASH_LOOP_WINDOW_MS,
    },
    stopGraceMs: c.STOP_GRACE_MS,
    health: { host: c.HEALTH_HOST, port: c.HEALTH_PORT },
    log: { level: c.LOG_LEVEL, format: c.LOG_FORMAT },
    git: { name: c.GIT_NAME, email: c.GIT_EMAIL },
    state: { stateDir: c.STATE_DIR, credentialsFile: c.CREDENTIALS_FILE, sshDir: c.SSH_DIR },
  };
}

function resolveAgent(agent: string, extraArgs: string): AgentConfig {
  if (agent === 'none') return { kind: 'none', commandLine: '', program: '' };
  const base = AGENT_PRESETS[agent] ?? agent;
  const commandLine = extraArgs.trim() === '' ? base : `${base} ${extraArgs.trim()}`;
  return { kind: 'agent', commandLine, program: base.split(/\s+/)[0] as string };
}
