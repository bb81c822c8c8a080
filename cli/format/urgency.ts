import type { HealthReport } from '../../supervisor/contract/health-report.js';

/** What `ls` shows in its STATE column, most urgent first: what needs a person comes before what does not. */
export const URGENCY = ['needs-permission', 'waiting', 'failed-start', 'crash-loop', 'needs-login', 'working', 'starting', 'idle', 'stopped', 'unknown'] as const;
export type Urgency = (typeof URGENCY)[number];

/** One word for an agent's condition, from the supervisor's report (null: it does not answer). */
export function urgencyOf(report: HealthReport | null, running: boolean): Urgency {
  if (!running) return 'stopped';
  if (!report) return 'unknown';
  if (report.phase === 'failed') return 'failed-start';
  if (report.checks.crashLoop && !report.checks.crashLoop.ok) return 'crash-loop';
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
