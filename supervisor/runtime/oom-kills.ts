/**
 * Follows the memory cgroup's `oom_kill` counter over one run of the agent. The kernel counts every process it
 * kills in the container, not only the agent's own: a shell whose child was killed exits 137 by itself, and
 * an agent whose tool (a test suite it ran) was killed lives on. Pure, so the decisions are unit-tested without a kernel.
 */
export class OomKillTracker {
  private seen: number;
  private lastRiseAtMs: number | null = null;

  constructor(private readonly atStart: number) {
    this.seen = atStart;
  }

  /** A reading while the agent lives: how many kills are new since the last reading (0 for none). */
  observe(count: number, nowMs: number): number {
    const rise = count - this.seen;
    if (rise <= 0) return 0;
    this.seen = count;
    this.lastRiseAtMs = nowMs;
    return rise;
  }

  /**
   * At the agent's end: was it the kill's doing? Yes when a kill happened since the last reading (the end came
   * first), or when one was read within `recentMs` before the end (a slow timer may read it first). A kill read
   * long before the end is one the agent lived on after: it was reported then, and does not name this end.
   */
  endedByKill(count: number, endedAtMs: number, recentMs: number): boolean {
    if (count > this.seen) return true;
    return this.lastRiseAtMs !== null && endedAtMs - this.lastRiseAtMs <= recentMs;
  }

  /** Kills during the whole run, up to `count`. */
  killsDuringRun(count: number): number {
    return Math.max(0, count - this.atStart);
  }
}
