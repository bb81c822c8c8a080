/**
 * Which arguments a (re)started Claude gets so that it continues its conversation: `--resume <id>` for the
 * session its SessionStart hook last reported, `--continue` (the latest in the workspace) when none was
 * reported, nothing on a first start with no history. A resumed run that ends at once, with any code (a
 * session that is gone; an id claude took for something else and answered with exit 0), makes the next start
 * fresh, once, and says so. Pure: times come in with each call.
 */
export class ResumePolicy {
  private resumedLastStart = false;
  private fallback = false;
  private starts = 0;

  constructor(
    private readonly enabled: boolean,
    /** A resumed run that ends sooner than this failed to resume. */
    private readonly failWithinMs = 10_000,
    /** What continues the latest conversation: Claude's `--continue`; other agents give their own. */
    private readonly continueArgs: readonly string[] = ['--continue'],
  ) {}

  /** The arguments for the next start; `hasHistory`: the state dir holds a recorded session (re-created container). */
  argsForStart(sessionId: string | null, hasHistory: boolean): string[] {
    this.starts += 1;
    const first = this.starts === 1;
    this.resumedLastStart = false;
    if (!this.enabled || this.fallback) {
      this.fallback = false;
      return [];
    }
    if (sessionId) {
      this.resumedLastStart = true;
      return ['--resume', sessionId];
    }
    if (!first || hasHistory) {
      this.resumedLastStart = true;
      return [...this.continueArgs];
    }
    return [];
  }

  /** Records how long the run lasted; true when it was a failed resume (the next start is fresh). Stops are not passed here. */
  noteExit(runMs: number): boolean {
    if (this.resumedLastStart && runMs < this.failWithinMs) {
      this.fallback = true;
      return true;
    }
    return false;
  }
}
