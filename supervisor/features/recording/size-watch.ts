/**
 * Notices the pane's resizes for recordings without polling an idle pane: a resize makes the agent redraw, so
 * the size is looked at (one tmux command) at most once a second while output flows.
 */
export class SizeWatch {
  private last: { width: number; height: number } | null = null;
  private lastCheckMs = 0;
  private checking = false;

  constructor(
    private readonly read: () => Promise<{ width: number; height: number }>,
    private readonly onResize: (size: { width: number; height: number }) => void,
  ) {}

  /** A new run starts at this size. */
  reset(size: { width: number; height: number }): void {
    this.last = size;
  }

  outputSeen(): void {
    const now = Date.now();
    if (this.checking || now - this.lastCheckMs < 1000) return;
    this.checking = true;
    this.lastCheckMs = now;
    void this.read()
      .then((size) => {
        if (this.last && (size.width !== this.last.width || size.height !== this.last.height)) this.onResize(size);
        this.last = size;
      })
      .finally(() => (this.checking = false));
  }
}
