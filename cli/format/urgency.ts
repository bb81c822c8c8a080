import type { ReportDigest } from '../../supervisor/contract/report-digest.js';

/** What `ls` shows in its STATE column, most urgent first: what needs a person comes before what does not. */
export const URGENCY = ['needs-permission', 'waiting', 'failed-start', 'crash-loop', 'restarting', 'needs-login', 'working', 'starting', 'idle', 'stopped', 'unknown'] as const;
export type Urgency = (typeof URGENCY)[number];

/** One word for an agent's condition, from the supervisor's report or its digest (null: it does not answer). */
export function urgencyOf(report: ReportDigest | null, running: boolean): Urgency {
  if (!running) return 'stopped';
  if (!report) return 'unknown';
  if (report.phase === 'failed') return 'failed-start';
  if (report.checks.crashLoop && !report.checks.crashLoop.ok) return 'crash-loop';
  // A cause the supervisor knows (the last exit's `cannot reach its API`) comes before the guess of a login.
  if (report.phase === 'backoff' && report.lastExit?.cause) return 'restarting';
  const state = report.agentState?.state;
  if (state === 'permission') return 'needs-permission';
  if (state === 'waiting') return 'waiting';
  if (report.needsLogin) return 'needs-login';
  if (state === 'working') return 'working';
  if (state === 'starting' || report.phase === 'starting' || report.phase === 'backoff') return 'starting';
  if (state === 'idle') return 'idle';
  return 'unknown';
}

export function byUrgency<T extends { state: Urgency; name: string }>(a: T, b: T): number {
  return URGENCY.indexOf(a.state) - URGENCY.indexOf(b.state) || a.name.localeCompare(b.name);
}

/** Why, when the state has a reason the report gives: a failed start's message, a crash loop's or restart's cause. */
export function reasonOf(report: ReportDigest | null, state: Urgency): string | null {
  if (!report) return null;
  const cause = report.lastExit?.cause ?? null;
  if (state === 'failed-start') return report.checks.start.reason;
  if (state === 'crash-loop') return cause ? `${report.checks.crashLoop.reason}; last exit: ${cause}` : report.checks.crashLoop.reason;
  if (state === 'restarting') return cause;
  return null;
}
