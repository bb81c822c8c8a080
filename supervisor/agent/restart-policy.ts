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

  constructor(
    private readonly options: RestartPolicyOptions,
    private readonly random: () => number = Math.random,
  ) {}

  decide(exit: AgentExit): RestartDecision {
    if (exit.endedAtMs - exit.startedAtMs >= this.options.stableRunMs) {
      this.attempt = 0;
      this.restartTimesMs = [];
    }
    // A killed session or a dead tmux server is not the agent's choice: always recover from it.
    if (!exit.infrastructure) {
      const exitCode = exitCodeOf(exit);
      if (this.options.policy === 'never') return { action: 'exit', exitCode };
      if (this.options.policy === 'on-failure' && exitCode === 0) return { action: 'exit', exitCode };
    }
    this.attempt += 1;
    this.restartTimesMs.push(exit.endedAtMs);
    return { action: 'restart', delayMs: nextBackoffMs(this.attempt, this.options.backoff, this.random), attempt: this.attempt };
  }

  /** Restarts within the crash-loop window that ends at `nowMs`. */
  recentRestarts(nowMs: number): number {
    const since = nowMs - this.options.crashLoopWindowMs;
    return this.restartTimesMs.filter((t) => t > since).length;
  }

  isCrashLooping(nowMs: number): boolean {
    return this.recentRestarts(nowMs) >= this.options.crashLoopRestarts;
  }
}
