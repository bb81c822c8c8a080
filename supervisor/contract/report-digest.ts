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
/**
 * Docker keeps the first 4096 bytes of a probe's output (and adds "..."): the answer line, the digest and the
 * memory line must fit whole, whatever the reasons say. A reason takes at most this many bytes in the digest's
 * JSON (escapes and UTF-8 counted: a character can take six), so the digest stays under 1.5 KB...
 */
const MAX_REASON_BYTES = 400;
/** ...and the answer line ahead of it at most this many (UTF-8), leaving the memory line room. */
export const MAX_ANSWER_BYTES = 2048;

const utf8Bytes = (text: string): number => new TextEncoder().encode(text).length;
const jsonBytes = (text: string): number => utf8Bytes(JSON.stringify(text)) - 2;

/** The text, or its longest start (whole characters) that with "..." measures at most maxBytes. */
export function cutToBytes(text: string, maxBytes: number, measure: (text: string) => number = utf8Bytes): string {
  if (measure(text) <= maxBytes) return text;
  const chars = Array.from(text);
  let [fits, over] = [0, chars.length];
  while (over - fits > 1) {
    const mid = (fits + over) >> 1;
    if (measure(`${chars.slice(0, mid).join('')}...`) <= maxBytes) fits = mid;
    else over = mid;
  }
  return `${chars.slice(0, fits).join('')}...`;
}

const cut = (text: string): string => cutToBytes(text, MAX_REASON_BYTES, jsonBytes);
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

/**
 * What `agentgate-probe --report` prints ahead of its memory line: the answer `agentgate health` gives (cut past
 * MAX_ANSWER_BYTES) and the digest, each on its line, so that Docker's health log keeps both whole.
 */
export function reportAnswer(summary: string, report: HealthReport): string {
  return `${cutToBytes(summary, MAX_ANSWER_BYTES)}\n${digestLine(report)}\n`;
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
