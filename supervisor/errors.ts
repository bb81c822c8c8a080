/**
 * The supervisor's own failures, each with the exit code documented in the README.
 * Leaves throw these; main.ts catches once, logs once and exits with `exitCode`.
 */
export const EXIT = {
  /** Graceful stop: the agent ended within the grace period. */
  OK: 0,
  /** The command line given to the supervisor itself was not understood. */
  USAGE: 64,
  /** A startup check failed (workspace, tmux or agent binary, health port). */
  STARTUP: 69,
  /** A bug or an unexpected failure inside the supervisor. */
  INTERNAL: 70,
  /** The environment held invalid configuration. */
  CONFIG: 78,
  /** Command mode: the command could not be executed (not executable). */
  CANNOT_EXECUTE: 126,
  /** Command mode: the command was not found. */
  NOT_FOUND: 127,
  /** The stop had to kill the agent (grace exceeded or a second signal): 128 + SIGKILL. */
  KILLED: 137,
} as const;

/** What an error says, apart from what to do about it: the log gives them as `error` and `hint`. */
export interface ErrorOptions {
  cause?: unknown;
  /** The fix, a sentence the user can follow; people read it after the problem (`problem: hint`). */
  hint?: string;
}

export class SupervisorError extends Error {
  readonly exitCode: number;
  /** The problem alone; `message` is the problem and the hint, as people read it in a terminal. */
  readonly problem: string;
  readonly hint: string | null;
  constructor(problem: string, exitCode: number, options: ErrorOptions = {}) {
    super(options.hint ? `${problem}: ${options.hint}` : problem, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.problem = problem;
    this.hint = options.hint ?? null;
  }
}

export class ConfigError extends SupervisorError {
  /** Every problem found, one line each, so that all can be fixed at once. */
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`, EXIT.CONFIG);
    this.problems = problems;
  }
}

export class StartupError extends SupervisorError {
  constructor(problem: string, options?: ErrorOptions) {
    super(problem, EXIT.STARTUP, options);
  }
}

/**
 * Another supervisor shares this container's /tmp (its tmux socket and health URL). Never held open by
 * AGENTGATE_ON_START_ERROR=wait: a waiting supervisor would serve health from the other one's files.
 */
export class SharedTmpError extends StartupError {}

export class UsageError extends SupervisorError {
  constructor(message: string) {
    super(message, EXIT.USAGE);
  }
}

/** Exit code for a process that died of a signal, as shells and tini report it. */
export function exitCodeForSignal(signalNumber: number): number {
  return 128 + signalNumber;
}
