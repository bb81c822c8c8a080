export interface BackoffOptions {
  /** Delay before the first restart. */
  initialMs: number;
  /** No delay ever exceeds this. */
  maxMs: number;
  /** Each further restart multiplies the delay by this. */
  factor: number;
  /** Fraction (0..1) of the delay that is randomly taken off, so that many containers do not restart in step. */
  jitter: number;
}

/**
 * Delay before restart number `attempt` (1-based): exponential, capped, with jitter that only shortens it,
 * so the cap and the initial delay are upper bounds users can rely on.
 */
export function nextBackoffMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** exponent);
  return Math.round(base * (1 - options.jitter * random()));
}
