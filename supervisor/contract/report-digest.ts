import type { Check, HealthReport } from './health-report.js';

/**
 * What `agentgate ls` needs of a health report, small enough for Docker's health log. `agentgate-probe --report`
 * (the image's HEALTHCHECK) prints it as one `report {...}` line after the health line, so the engine keeps the
 * agent's condition as of its last health check and `ls` reads twenty agents with one inspect each, where asking
 * each one costs an exec (a process the engine starts in every container: about 30 ms of CPU each).
 * A HealthReport is a digest too: `ls --live` and the board pass whole reports to the same functions.
 */
export interface ReportDigest {
  phase: HealthReport['phase'];
  restarts: number;
  needsLogin: boolean | null;
  agentState: { state: string; sinceMs: number } | null;
  lastExit: { cause: string | null } | null;
  checks: { start: Check; crashLoop: Check };
}

/** The prefix of the digest's line in the probe's output. */
export const DIGEST_PREFIX = 'report ';
/** Docker keeps the first 4096 bytes of a probe's output: reasons are cut well below that. */
const MAX_REASON = 400;

const cut = (text: string): string => (text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 3)}...` : text);
const checkOf = (c: Check): Check => ({ ok: c.ok, reason: cut(c.reason) });

export function digestOf(report: HealthReport): ReportDigest {
  return {
    phase: report.phase,
    restarts: report.restarts,
    needsLogin: report.needsLogin,
    agentState: report.agentState ? { state: report.agentState.state, sinceMs: report.agentState.sinceMs } : null,
    lastExit: report.lastExit ? { cause: report.lastExit.cause === null ? null : cut(report.lastExit.cause) } : null,
    checks: { start: checkOf(report.checks.start), crashLoop: checkOf(report.checks.crashLoop) },
  };
}

export function digestLine(report: HealthReport): string {
  return `${DIGEST_PREFIX}${JSON.stringify(digestOf(report))}`;
}

/** The digest in a probe's output, or null when it has none or it is not one (another probe, a cut line). */
export function parseDigest(output: string): ReportDigest | null {
  const line = output.split('\n').find((l) => l.startsWith(DIGEST_PREFIX));
  if (!line) return null;
  try {
    const d = JSON.parse(line.slice(DIGEST_PREFIX.length)) as Partial<ReportDigest>;
    const isCheck = (c: unknown): c is Check => typeof (c as Check)?.ok === 'boolean' && typeof (c as Check)?.reason === 'string';
    if (typeof d.phase !== 'string' || typeof d.restarts !== 'number' || !isCheck(d.checks?.start) || !isCheck(d.checks?.crashLoop)) return null;
    if (d.agentState !== null && (typeof d.agentState?.state !== 'string' || typeof d.agentState?.sinceMs !== 'number')) return null;
    return d as ReportDigest;
  } catch {
    return null;
  }
}
