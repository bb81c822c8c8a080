/**
 * The one-way latch a stop travels through: the first request is graceful, a second one forces.
 * Waits race against `stopped`/`forced` so that a stop interrupts them at once.
 */
export class StopRequest {
  private resolveStopped!: () => void;
  private resolveForced!: () => void;
  readonly stopped = new Promise<void>((resolve) => (this.resolveStopped = resolve));
  readonly forced = new Promise<void>((resolve) => (this.resolveForced = resolve));
  private requests = 0;

  /** Returns 'graceful' for the first request, 'forced' for any later one. */
  request(): 'graceful' | 'forced' {
    this.requests += 1;
    if (this.requests === 1) {
      this.resolveStopped();
      return 'graceful';
    }
    this.resolveForced();
    return 'forced';
  }

  get isStopping(): boolean {
    return this.requests > 0;
  }
}

/** Resolves after `ms`, or earlier (with false) when `interrupt` settles first. */
export function sleepUnless(ms: number, interrupt: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(true), ms);
    void interrupt.then(() => {
      clearTimeout(timer);
      resolve(false);
    });
  });
}
