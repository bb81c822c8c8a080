/** What the supervisor knows about itself, as health reports it. Built by the supervisor, judged here. */
export interface HealthSnapshot {
  mode: 'agent' | 'keep-alive';
  phase: 'starting' | 'running' | 'backoff' | 'stopping' | 'stopped';
  workspace: { ok: boolean; reason: string };
  sessionAlive: boolean;
  agentPid: number | null;
  restarts: number;
  lastExit: { code: number | null; signal: string | null; runMs: number; atMs: number } | null;
  backoff: { attempt: number; delayMs: number; restartAtMs: number } | null;
  crashLoop: { looping: boolean; restartsInWindow: number; threshold: number; windowMs: number };
  startedAtMs: number;
  version: string;
}

export interface Check {
  ok: boolean;
  reason: string;
}

export interface HealthReport {
  status: 'ok' | 'fail';
  checks: Record<'workspace' | 'session' | 'agent' | 'crashLoop', Check>;
  agentPid: number | null;
  restarts: number;
  lastExit: HealthSnapshot['lastExit'];
  backoff: (HealthSnapshot['backoff'] & { remainingMs: number }) | null;
  phase: HealthSnapshot['phase'];
  mode: HealthSnapshot['mode'];
  uptimeMs: number;
  version: string;
}

/** Readiness: the workspace is usable, the session is alive, the agent runs and is not crash-looping. */
export function evaluateHealth(s: HealthSnapshot, nowMs: number): HealthReport {
  const keepAlive = s.mode === 'keep-alive';
  const checks = {
    workspace: s.workspace,
    session: keepAlive
      ? { ok: true, reason: 'keep-alive mode: no session' }
      : s.sessionAlive
        ? { ok: true, reason: 'tmux session is alive' }
        : { ok: false, reason: 'tmux session is not running' },
    agent: keepAlive ? { ok: true, reason: 'keep-alive mode: no agent' } : agentCheck(s, nowMs),
    crashLoop: s.crashLoop.looping
      ? {
          ok: false,
          reason: `crash loop: ${s.crashLoop.restartsInWindow} restarts within ${s.crashLoop.windowMs} ms (threshold ${s.crashLoop.threshold})`,
        }
      : { ok: true, reason: `${s.crashLoop.restartsInWindow} restarts within the last ${s.crashLoop.windowMs} ms` },
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
    uptimeMs: nowMs - s.startedAtMs,
    version: s.version,
  };
}

function agentCheck(s: HealthSnapshot, nowMs: number): Check {
  if (s.phase === 'running' && s.agentPid !== null) return { ok: true, reason: `agent running as pid ${s.agentPid}` };
  if (s.phase === 'backoff' && s.backoff) {
    const inMs = Math.max(0, s.backoff.restartAtMs - nowMs);
    return { ok: false, reason: `agent exited (${describeExit(s.lastExit)}); restart ${s.backoff.attempt} in ${inMs} ms` };
  }
  return { ok: false, reason: `agent not running (phase ${s.phase})` };
}

/** The first failing check's reason, or a one-line summary when healthy: what `health` prints. */
export function summarizeHealth(report: HealthReport): string {
  const failing = Object.entries(report.checks).find(([, c]) => !c.ok);
  if (report.status === 'ok') return `healthy: ${report.checks.agent.reason}, ${report.restarts} restarts`;
  if (failing) return `unhealthy: ${failing[0]}: ${failing[1].reason}`;
  return `unhealthy: supervisor is ${report.phase}`;
}

function describeExit(exit: HealthSnapshot['lastExit']): string {
  if (!exit) return 'no exit recorded';
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}
