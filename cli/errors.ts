/** The host command's exit codes (documented in docs/cli.md). */
export const CLI_EXIT = {
  OK: 0,
  /** The asked thing failed: the agent did not become healthy, a name is taken, a clone failed, ... */
  FAILED: 1,
  /** The command line was not understood. */
  USAGE: 2,
  /** No Docker engine answered. */
  NO_ENGINE: 69,
  /** A bug. */
  INTERNAL: 70,
  /** Interrupted (Ctrl-C): 128 + SIGINT. */
  INTERRUPTED: 130,
} as const;

/** A failure the user can act on: one message, its exit code, and the fix in `hint`. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = CLI_EXIT.FAILED,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, CLI_EXIT.USAGE, hint ?? 'agentgate help lists the commands');
  }
}
