import type { MemoryCgroup } from './memory-cgroup.js';
import { OomKillTracker } from './oom-kills.js';

/** How often the counter is read while the agent runs: a small file read, cheap at this pace. */
export const OOM_POLL_MS = 5000;

/**
 * Reads the cgroup's OOM-kill counter on a slow timer while one run of the agent lives, calling `onKill` for
 * each rise, and tells at the agent's end whether a kill ended it. A kernel without the counter
 * (v1 before 4.13) gives no readings: nothing is reported, nothing is named.
 */
export class OomKillWatch {
  private readonly tracker: OomKillTracker | null;
  private readonly timer: NodeJS.Timeout | null;

  constructor(
    private readonly memory: MemoryCgroup,
    private readonly options: { intervalMs?: number; now: () => number; onKill: (fields: { count: number; total: number }) => void },
  ) {
    const start = memory.oomKills();
    this.tracker = start === null ? null : new OomKillTracker(start);
    // unref: a pending read must never keep a stopping supervisor alive.
    this.timer = this.tracker ? setInterval(() => this.read(), this.intervalMs).unref() : null;
  }

  private get intervalMs(): number {
    return this.options.intervalMs ?? OOM_POLL_MS;
  }

  /** Stops the timer; at the agent's end returns the run's kill count and whether a kill ended it. */
  finish(endedAtMs: number): { endedByKill: boolean; killsDuringRun: number } {
    if (this.timer) clearInterval(this.timer);
    const count = this.memory.oomKills();
    if (!this.tracker || count === null) return { endedByKill: false, killsDuringRun: 0 };
    // Two periods: the timer may have read the kill that ended the agent just before tmux told of the end.
    return { endedByKill: this.tracker.endedByKill(count, endedAtMs, 2 * this.intervalMs), killsDuringRun: this.tracker.killsDuringRun(count) };
  }

  private read(): void {
    const count = this.memory.oomKills();
    if (count === null || !this.tracker) return;
    const rise = this.tracker.observe(count, this.options.now());
    if (rise > 0) this.options.onKill({ count: rise, total: count });
  }
}
