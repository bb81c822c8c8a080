import type { TmuxServer } from './tmux.js';

/**
 * The wake-ups of one agent generation's tmux channel. One `wait-for` client is kept armed at a time and
 * replaced only after it was woken: killing a waiting client can swallow a signal meant for the next one.
 */
export class PaneEvents {
  private waiter: ReturnType<TmuxServer['waitFor']>;

  constructor(
    private readonly tmux: TmuxServer,
    private readonly channel: string,
  ) {
    this.waiter = tmux.waitFor(channel);
  }

  /** Resolves at the next signal on the channel (or when the server goes), with a fresh waiter armed. */
  async next(): Promise<void> {
    const current = this.waiter;
    await current.done;
    if (this.waiter === current) this.waiter = this.tmux.waitFor(this.channel);
  }

  close(): void {
    this.waiter.cancel();
  }
}
