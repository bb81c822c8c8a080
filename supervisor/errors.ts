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

export class SupervisorError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
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
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, EXIT.STARTUP, options);
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
