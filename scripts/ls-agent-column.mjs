// What `agentgate ls` says of an agent, from its health report (supervisor/health/health-state.ts, HealthReport;
// its unit test builds the reports with the supervisor's own evaluateHealth, so a field the report lacks fails it).
// A cause the supervisor knows (a failed start, the last exit's `cannot reach its API`) comes before the guess
// that Claude needs a login, and before the agent's state.

/**
 * @param {any} report the parsed `agentgate health --json`, or null when the supervisor did not answer
 * @returns {{ agent: string, why?: string }}
 */
export function describeAgent(report) {
  if (!report) return { agent: '-' };
  const { checks = {}, lastExit = null } = report;
  if (checks.start && !checks.start.ok) return { agent: 'start-failed', why: checks.start.reason };
  const cause = lastExit?.cause ?? null;
  if (checks.crashLoop && !checks.crashLoop.ok) {
    return { agent: cause ? `crash-loop: ${cause}` : 'crash-loop', why: cause ? `${checks.crashLoop.reason}; last exit: ${cause}` : checks.crashLoop.reason };
  }
  if (report.phase === 'backoff' && cause) return { agent: `restarting: ${cause}`, why: checks.agent?.reason ?? cause };
  if (report.needsLogin) return { agent: 'needs-login' };
  return { agent: report.agentState?.state ?? '-' };
}
