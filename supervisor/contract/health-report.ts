import { formatDuration } from './durations.js';
import type { PendingDecision } from './events.js';
import type { PendingEgressAsk } from './proxy-report.js';

/** How the agent's last run ended: one shape wherever it is recorded. */
export interface ExitRecord {
  code: number | null;
  signal: string | null;
  runMs: number;
  atMs: number;
  /** `exited` (by itself), `oom-killed` (by the kernel, for memory), `stopped` (by a stop), `session killed` or `tmux server died`. */
  reason: string;
  /** The last lines of the agent's screen when it ended (secrets scrubbed): why it died, in its own words. */
  lastLines: string[];
  /** Why, in a few words, when the screen says so for certain (`cannot reach its API`, `not logged in`); else null. */
  cause: string | null;
}

/** What the supervisor knows about itself, as health reports it. Built by the supervisor, judged here. */
export interface HealthSnapshot {
  mode: 'agent' | 'keep-alive';
  /** `waiting`: the workspace is not usable, the agent starts once it is; `failed`: the start failed. */
  phase: 'starting' | 'running' | 'backoff' | 'waiting' | 'stopping' | 'stopped' | 'failed';
  workspace: { ok: boolean; reason: string };
  sessionAlive: boolean;
  agentPid: number | null;
  restarts: number;
  lastExit: ExitRecord | null;
  backoff: { attempt: number; delayMs: number; restartAtMs: number } | null;
  /** A crash loop starts at `threshold` restarts within `windowMs` and lasts until a stable run. */
  crashLoop: { looping: boolean; restartsInWindow: number; restartsSinceStableRun?: number; threshold: number; windowMs: number };
  /** Why the start failed (phase `failed`): the same message the log has. */
  startError?: string | null;
  /** The agent has no credential: it waits at its login prompt (null when its profile cannot tell). */
  needsLogin?: boolean | null;
  /** What to do about it, in one line (from the agent's profile). */
  loginHint?: string | null;
  /** The egress isolation's self-test (AGENTGATE_EGRESS_SELFTEST), or null when off. */
  egress?: Check | null;
  /** What the agent is doing (hooks, screen), since when. */
  agentState?: { state: string; sinceMs: number } | null;
  /** Permission requests waiting for an answer, oldest first (absent when decisions are off). */
  decisions?: PendingDecision[];
  /** The agent's requests held by the egress proxy for an answer (AGENTGATE_EGRESS_ASK_FEED_URL), oldest first. */
  pendingEgressAsks?: PendingEgressAsk[];
  startedAtMs: number;
  version: string;
}

export interface Check {
  ok: boolean;
  reason: string;
}

export interface HealthReport {
  status: 'ok' | 'fail';
  checks: Record<'start' | 'workspace' | 'session' | 'agent' | 'crashLoop', Check> & { egress?: Check };
  agentPid: number | null;
  restarts: number;
  lastExit: HealthSnapshot['lastExit'];
  backoff: (HealthSnapshot['backoff'] & { remainingMs: number }) | null;
  phase: HealthSnapshot['phase'];
  mode: HealthSnapshot['mode'];
  needsLogin: boolean | null;
  /** What to do while `needsLogin`: one line (absent from supervisors before 0.2). */
  loginHint?: string | null;
  agentState: { state: string; sinceMs: number; forMs: number } | null;
  /** Permission requests waiting for an answer, oldest first (absent from supervisors before 0.3 and when off). */
  decisions?: PendingDecision[];
  /** The agent's requests held by its egress proxy, oldest first (absent unless it follows the proxy's ask feed). */
  pendingEgressAsks?: PendingEgressAsk[];
  uptimeMs: number;
  version: string;
}

/** Readiness: the start succeeded, the workspace is usable, the session is alive, the agent runs and is not crash-looping. */
export function evaluateHealth(s: HealthSnapshot, nowMs: number): HealthReport {
  const keepAlive = s.mode === 'keep-alive';
  const failed = s.phase === 'failed';
  const checks = {
    start: failed ? { ok: false, reason: `start failed: ${s.startError ?? 'unknown error'}` } : { ok: true, reason: 'started' },
    workspace: s.workspace,
    session: keepAlive
      ? { ok: true, reason: 'keep-alive mode: no session' }
      : s.sessionAlive
        ? { ok: true, reason: 'tmux session is alive' }
        : { ok: false, reason: 'tmux session is not running' },
    agent: keepAlive ? { ok: true, reason: 'keep-alive mode: no agent' } : agentCheck(s, nowMs),
    crashLoop: s.crashLoop.looping
      ? { ok: false, reason: crashLoopReason(s.crashLoop) }
      : { ok: true, reason: `${s.crashLoop.restartsInWindow} restarts within the last ${formatDuration(s.crashLoop.windowMs)}` },
    ...(s.egress ? { egress: s.egress } : {}),
  };
  const ok = s.phase !== 'stopping' && s.phase !== 'stopped' && Object.values(checks).every((c) => c.ok);
  return {
    status: ok ? 'ok' : 'fail',
    checks,
    agentPid: s.agentPid,
    restarts: s.restarts,
    lastExit: s.lastExit,
    backoff: s.backoff ? { ...s.backoff, remainingMs: Math.max(0, s.backoff.restartAtMs - nowMs) } : null,
    phase: s.phase,
    mode: s.mode,
    needsLogin: s.needsLogin ?? null,
    loginHint: s.needsLogin ? (s.loginHint ?? null) : null,
    agentState: s.agentState ? { ...s.agentState, forMs: Math.max(0, nowMs - s.agentState.sinceMs) } : null,
    ...(s.decisions ? { decisions: s.decisions } : {}),
    ...(s.pendingEgressAsks ? { pendingEgressAsks: s.pendingEgressAsks } : {}),
    uptimeMs: nowMs - s.startedAtMs,
    version: s.version,
  };
}

function agentCheck(s: HealthSnapshot, nowMs: number): Check {
  if (s.phase === 'running' && s.agentPid !== null) return { ok: true, reason: `agent running as pid ${s.agentPid}` };
  if (s.phase === 'backoff' && s.backoff) {
    const inMs = Math.max(0, s.backoff.restartAtMs - nowMs);
    return { ok: false, reason: `agent ${describeExit(s.lastExit)}; restart ${s.backoff.attempt} in ${formatDuration(inMs)}` };
  }
  if (s.phase === 'waiting') return { ok: false, reason: 'agent not started: waiting for the workspace to be usable' };
  if (s.phase === 'failed') return { ok: false, reason: 'agent not started: the start failed' };
  return { ok: false, reason: `agent not running (phase ${s.phase})` };
}

/**
 * Still a crash loop when a backoff longer than the window has spread the restarts out: then it counts the
 * restarts since the last stable run.
 */
function crashLoopReason(c: HealthSnapshot['crashLoop']): string {
  const window = formatDuration(c.windowMs);
  if (c.restartsInWindow >= c.threshold || c.restartsSinceStableRun === undefined) {
    return `crash loop: ${c.restartsInWindow} restarts within ${window} (threshold ${c.threshold})`;
  }
  return `crash loop: ${c.restartsSinceStableRun} restarts without a stable run (threshold ${c.threshold} within ${window})`;
}

/** The first failing check's reason, or a one-line summary when healthy: what `health` prints. */
export function summarizeHealth(report: HealthReport): string {
  const failing = Object.entries(report.checks).find(([, c]) => !c.ok);
  if (report.status === 'ok') return `healthy: ${report.checks.agent.reason}, ${report.restarts} restarts`;
  // A crash loop's count says nothing of why: the last exit does (`cannot reach its API`).
  if (failing?.[0] === 'crashLoop' && report.lastExit) return `unhealthy: crashLoop: ${failing[1].reason}; last exit: ${describeExit(report.lastExit)}`;
  if (failing) return `unhealthy: ${failing[0]}: ${failing[1].reason}`;
  return `unhealthy: supervisor is ${report.phase}`;
}

/** `exited with code 1`, `killed by SIGKILL`, or the infrastructure reason (`tmux server died`). */
export function describeExit(exit: ExitRecord | null): string {
  if (!exit) return 'has not exited';
  if (exit.reason === 'oom-killed') return 'was killed by the kernel for memory (OOM)';
  if (exit.signal) return `was killed by ${exit.signal}${exit.reason === 'exited' ? '' : ` (${exit.reason})`}`;
  if (exit.code !== null) return `exited with code ${exit.code}${exit.reason === 'exited' ? '' : ` (${exit.reason})`}${exit.cause ? `: ${exit.cause}` : ''}`;
  return `ended: ${exit.reason}`;
}
