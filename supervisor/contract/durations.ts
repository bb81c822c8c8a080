import prettyMilliseconds from 'pretty-ms';

/** A duration as people say it: `5 minutes`, `1.2 seconds`, `1 hour 3 minutes`. */
export function formatDuration(ms: number): string {
  return prettyMilliseconds(Math.max(0, ms), { verbose: true, unitCount: 2, secondsDecimalDigits: ms < 10_000 ? 1 : 0 });
}

/** A moment as a UTC clock time with how long ago: `19:05:03 UTC (2 minutes ago)`. */
export function formatMoment(atMs: number, nowMs: number): string {
  return `${new Date(atMs).toISOString().slice(11, 19)} UTC (${formatDuration(nowMs - atMs)} ago)`;
}
