import { exitCodeForSignal } from '../errors.js';
import { type BackoffOptions, nextBackoffMs } from './backoff.js';

export type RestartPolicyName = 'always' | 'on-failure' | 'never';

export interface RestartPolicyOptions {
  policy: RestartPolicyName;
  backoff: BackoffOptions;
  /** A run at least this long resets the backoff and forgets earlier crashes. */
  stableRunMs: number;
  /** This many restarts within `crashLoopWindowMs` is a crash loop. */
  crashLoopRestarts: number;
  crashLoopWindowMs: number;
}

/** How one run of the agent ended. `signalNumber` is set when it died of a signal. */
export interface AgentExit {
  code: number | null;
  signalNumber: number | null;
  startedAtMs: number;
  endedAtMs: number;
  /** True when the agent did not end by itself (its session was killed or the tmux server died). */
  infrastructure?: boolean;
}

export type RestartDecision =
  | { action: 'restart'; delayMs: number; attempt: number }
  | { action: 'exit'; exitCode: number };

/** The agent's exit as an exit code: its own, or 128+N when signal N killed it. */
export function exitCodeOf(exit: Pick<AgentExit, 'code' | 'signalNumber'>): number {
  if (exit.signalNumber !== null) return exitCodeForSignal(exit.signalNumber);
  return exit.code ?? 0;
}

/**
 * Decides what follows each agent exit: restart after a backoff, or end the supervisor.
 * Pure apart from its own history; time comes in with each call so tests use a fake clock.
 */
export class RestartPolicy {
  private attempt = 0;
  private restartTimesMs: number[] = [];
  /**
   * Set when the threshold is reached within the window, and ended only by a stable run: a backoff that has
   * grown longer than the window spreads the restarts out, and must not make a crash loop look healthy.
   */
  private looping = false;
  private runStartedAtMs: number | null = null;

  constructor(
    private readonly options: RestartPolicyOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** A run of the agent began: once it has lasted `stableRunMs`, a crash loop is over. */
  runStarted(nowMs: number): void {
    this.runStartedAtMs = nowMs;
  }

  decide(exit: AgentExit): RestartDecision {
    this.runStartedAtMs = null;
    if (exit.endedAtMs - exit.startedAtMs >= this.options.stableRunMs) {
      this.attempt = 0;
      this.restartTimesMs = [];
      this.looping = false;
    }
    // A killed session or a dead tmux server is not the agent's choice: always recover from it.
    if (!exit.infrastructure) {
      const exitCode = exitCodeOf(exit);
      if (this.options.policy === 'never') return { action: 'exit', exitCode };
      if (this.options.policy === 'on-failure' && exitCode === 0) return { action: 'exit', exitCode };
    }
    this.attempt += 1;
    // Only the window's restarts count: an agent that crashes forever must not grow this list forever.
    this.restartTimesMs = [...this.restartTimesMs.filter((t) => t > exit.endedAtMs - this.options.crashLoopWindowMs), exit.endedAtMs];
    if (this.recentRestarts(exit.endedAtMs) >= this.options.crashLoopRestarts) this.looping = true;
    return { action: 'restart', delayMs: nextBackoffMs(this.attempt, this.options.backoff, this.random), attempt: this.attempt };
  }

  /** Restarts within the crash-loop window that ends at `nowMs`. */
  recentRestarts(nowMs: number): number {
    const since = nowMs - this.options.crashLoopWindowMs;
    return this.restartTimesMs.filter((t) => t > since).length;
  }

  /** Restarts since the last stable run (the backoff's attempt). */
  get restartsSinceStableRun(): number {
    return this.attempt;
  }

  /** In a crash loop from the threshold on, until a run (ended or still going at `nowMs`) has been stable. */
  isCrashLooping(nowMs: number): boolean {
    const stableNow = this.runStartedAtMs !== null && nowMs - this.runStartedAtMs >= this.options.stableRunMs;
    return this.looping && !stableNow;
  }
}
