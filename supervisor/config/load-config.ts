import { AGENT_PRESETS, resumesByDefault } from '../agents/registry.js';
import { ConfigError } from '../errors.js';
import type { LogEvent } from '../log/log-event.js';
import type { BackoffOptions } from '../agent/backoff.js';
import type { RestartPolicyOptions } from '../agent/restart-policy.js';
import { backoffRangeProblem } from './backoff-range.js';
import { describeIssue, envSchema, pickPrefixed } from './schema.js';
import { unknownVariableEvents } from './unknown-names.js';

/**
 * What a stop may take after the grace: killing the agent's tree, waiting for it to go and ending tmux share
 * this one deadline, so that a stop never takes longer than grace + this (its budget).
 */
export const STOP_CLEANUP_MS = 2000;
/** Docker's own default stop timeout: the budget when neither stop variable is set. */
const DEFAULT_STOP_TIMEOUT_MS = 10_000;


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
  /** How long a stop waits for the agent after SIGTERM before killing its tree. */
  stopGraceMs: number;
  /** The whole stop, at most: the grace plus STOP_CLEANUP_MS. Compose's stop_grace_period must be at least this. */
  stopBudgetMs: number;
  /** What a failed start does: exit with its code, or wait (unhealthy, reason in health) for a stop. */
  onStartError: 'exit' | 'wait';
  /** The host directory compose mounted at the workspace, as the user gave it (compose only). */
  projectDir: string | null;
  /** SSH into the agent's session (off when no port is given). */
  ssh: { port: number; host: string; authorizedKeysFile: string; readOnlyKeysFile: string; onAgentExit: 'stay' | 'end' } | null;
  /** The agent's transcript messages into the log, one `transcript` event each (agents that keep one). */
  transcript: boolean;
  /** Record the agent's terminal (asciicast v2) into the state dir, at most maxBytes in all; null when off. */
  record: { dir: string; maxBytes: number } | null;
  /** The agent's start-time check of its egress isolation (compose/egress.yaml turns it on). */
  egressSelfTest: { mode: 'off' | 'on' | 'strict'; probe: { host: string; port: number } };
  /** The egress proxy's credential endpoint, where an agent holding a placeholder credential sends its API requests. */
  credentialUrl: URL | null;
  /** The egress proxy's git credential endpoint: git's https:// URLs of the hosts it holds tokens for go there. */
  gitCredentialUrl: URL | null;
  /** The egress proxy's ask feed: the supervisor follows the agent's egress asks there (null: it does not). */
  egressAskFeedUrl: URL | null;
  /** `agentgate proxy`: where it listens and its allowlist (inline, and a file re-read on reload). */
  proxy: { host: string; port: number; allow: string | null; allowFile: string; ask: { on: boolean; waitMs: number; feedPort: number }; credentialPort: number; credentialUpstream: URL; credentialUpstreams: { openai: URL; gemini: URL; openrouter: URL; opencode: URL; copilot: URL | null }; git: { port: number; credentialsFile: string | null; username: string } };
  /** A screen still this long ends `working` (an agent without hooks is then `idle`). */
  idleMs: number;
  /** Where state changes that need a person are posted, the secret that signs them, and the body's form. */
  notify: { url: URL; secret: string | null; format: 'json' | 'ntfy' | 'slack' } | null;
  /**
   * Pending permission decisions: how long one waits for a remote answer (0: off), the answer token's hash, and
   * the public base URL of the health server, from which the webhook's action links are made (null: no links).
   */
  decisions: { waitMs: number; answerTokenSha256: string | null; publicUrl: string | null };
  /** The agent continues its conversation after a restart (AGENTGATE_RESUME; by default, the agents that can). */
  resume: boolean;
  /** The first prompt, given once (AGENTGATE_PROMPT inline, or read from AGENTGATE_PROMPT_FILE at start). */
  prompt: { text: string } | { file: string } | null;
  /** Problems that do not stop the start: unknown AGENTGATE_* names, as log events. */
  warnings: LogEvent[];
  health: { host: string; port: number };
  log: { level: string; format: 'json' | 'pretty' };
  git: { name?: string; email?: string };
  state: { stateDir: string; credentialsFile: string; sshDir: string };
}

/** Reads and validates the AGENTGATE_* variables; throws one ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const raw = pickPrefixed(env);
  const parsed = envSchema.safeParse(raw);
  const problems = (parsed.error?.issues ?? []).map((issue) => describeIssue(issue, raw));
  // Checked on its own: zod skips object-level refinements once any field has failed, and every problem is reported at once.
  const range = backoffRangeProblem(raw);
  if (range) problems.push(range);
  const c = parsed.data;
  const stop = c ? resolveStop(c.STOP_GRACE_MS, c.STOP_TIMEOUT_MS) : null;
  if (typeof stop === 'string') problems.push(stop);
  if (c?.PROMPT !== undefined && c.PROMPT_FILE !== undefined) {
    problems.push('AGENTGATE_PROMPT_FILE: expected only one of AGENTGATE_PROMPT and AGENTGATE_PROMPT_FILE, both are set');
  }
  if (!c || problems.length > 0 || !stop || typeof stop === 'string') throw new ConfigError(problems);
  const backoff: BackoffOptions = {
    initialMs: c.BACKOFF_INITIAL_MS,
    maxMs: c.BACKOFF_MAX_MS,
    factor: c.BACKOFF_FACTOR,
    jitter: c.BACKOFF_JITTER,
  };
  const agent = resolveAgent(c.AGENT, c.AGENT_ARGS);
  return {
    agent,
    workspace: { path: c.WORKSPACE, strict: c.WORKSPACE_STRICT },
    sessionName: c.SESSION,
    restart: {
      policy: c.RESTART,
      backoff,
      stableRunMs: c.STABLE_RUN_MS,
      crashLoopRestarts: c.CRASH_LOOP_RESTARTS,
      crashLoopWindowMs: c.CRASH_LOOP_WINDOW_MS,
    },
    stopGraceMs: stop.graceMs,
    stopBudgetMs: stop.graceMs + STOP_CLEANUP_MS,
    onStartError: c.ON_START_ERROR,
    projectDir: c.PROJECT_DIR ?? null,
    idleMs: c.IDLE_MS,
    credentialUrl: c.CREDENTIAL_URL === undefined ? null : new URL(c.CREDENTIAL_URL),
    gitCredentialUrl: c.GIT_CREDENTIAL_URL === undefined ? null : new URL(c.GIT_CREDENTIAL_URL),
    egressAskFeedUrl: c.EGRESS_ASK_FEED_URL === undefined ? null : new URL(c.EGRESS_ASK_FEED_URL),
    egressSelfTest: { mode: c.EGRESS_SELFTEST, probe: { host: c.EGRESS_PROBE.split(':')[0] as string, port: Number(c.EGRESS_PROBE.split(':')[1]) } },
    proxy: { host: c.PROXY_HOST, port: c.PROXY_PORT, allow: c.EGRESS_ALLOW ?? null, allowFile: c.EGRESS_ALLOW_FILE, ask: { on: c.EGRESS_ASK === 'on', waitMs: c.EGRESS_ASK_WAIT_MS, feedPort: c.EGRESS_ASK_FEED_PORT }, credentialPort: c.CREDENTIAL_PORT, credentialUpstream: new URL(c.CREDENTIAL_UPSTREAM),
      credentialUpstreams: { openai: new URL(c.CREDENTIAL_UPSTREAM_OPENAI), gemini: new URL(c.CREDENTIAL_UPSTREAM_GEMINI), openrouter: new URL(c.CREDENTIAL_UPSTREAM_OPENROUTER), opencode: new URL(c.CREDENTIAL_UPSTREAM_OPENCODE), copilot: c.CREDENTIAL_UPSTREAM_COPILOT === undefined ? null : new URL(c.CREDENTIAL_UPSTREAM_COPILOT) },
      git: { port: c.GIT_PORT, credentialsFile: c.GIT_CREDENTIALS_FILE ?? null, username: c.GIT_USERNAME } },
    transcript: c.TRANSCRIPT,
    record: c.RECORD ? { dir: `${c.STATE_DIR}/agentgate-recordings`, maxBytes: c.RECORD_MAX_MB * 1024 * 1024 } : null,
    ssh:
      c.SSH_PORT === undefined
        ? null
        : { port: c.SSH_PORT, host: c.SSH_HOST, authorizedKeysFile: c.SSH_AUTHORIZED_KEYS, readOnlyKeysFile: c.SSH_READONLY_KEYS, onAgentExit: c.SSH_ON_AGENT_EXIT },
    decisions: { waitMs: c.DECISION_WAIT_MS, answerTokenSha256: c.ANSWER_TOKEN_SHA256 ?? null, publicUrl: c.PUBLIC_URL?.replace(/\/+$/, '') ?? null },
    notify: c.NOTIFY_URL ? { url: new URL(c.NOTIFY_URL), secret: c.NOTIFY_SECRET ?? null, format: c.NOTIFY_FORMAT } : null,
    resume: c.RESUME ?? resumesByDefault(agent.program),
    prompt: c.PROMPT !== undefined ? { text: c.PROMPT } : c.PROMPT_FILE !== undefined ? { file: c.PROMPT_FILE } : null,
    warnings: unknownVariableEvents(env),
    health: { host: c.HEALTH_HOST, port: c.HEALTH_PORT },
    log: { level: c.LOG_LEVEL, format: c.LOG_FORMAT },
    git: { name: c.GIT_NAME, email: c.GIT_EMAIL },
    state: { stateDir: c.STATE_DIR, credentialsFile: c.CREDENTIALS_FILE, sshDir: c.SSH_DIR },
  };
}

/**
 * The grace and the stop timeout are one budget: the grace defaults to what the timeout leaves after the
 * cleanup, and a grace that would overrun a given timeout is an error rather than a SIGKILL from Docker.
 */
function resolveStop(graceMs: number | undefined, timeoutMs: number | undefined): { graceMs: number } | string {
  if (graceMs === undefined) return { graceMs: (timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS) - STOP_CLEANUP_MS };
  if (timeoutMs !== undefined && graceMs + STOP_CLEANUP_MS > timeoutMs) {
    return `AGENTGATE_STOP_GRACE_MS="${graceMs}": expected at most AGENTGATE_STOP_TIMEOUT_MS - ${STOP_CLEANUP_MS} (${timeoutMs - STOP_CLEANUP_MS}): the stop needs ${STOP_CLEANUP_MS} ms after the grace`;
  }
  return { graceMs };
}

function resolveAgent(agent: string, extraArgs: string): AgentConfig {
  if (agent === 'none') return { kind: 'none', commandLine: '', program: '' };
  const base = AGENT_PRESETS[agent] ?? agent;
  const commandLine = extraArgs.trim() === '' ? base : `${base} ${extraArgs.trim()}`;
  return { kind: 'agent', commandLine, program: base.split(/\s+/)[0] as string };
}
