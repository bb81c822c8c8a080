import type { TmuxServer } from './tmux-server.js';

/**
 * The wake-ups of one agent generation's tmux channel. One `wait-for` client is kept armed at a time and
 * replaced only after it was woken: killing a waiting client can swallow a signal meant for the next one.
 */
export class PaneEvents {
  private waiter: ReturnType<TmuxServer['waitFor']>;
  private closed = false;

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
    // A `next` still pending when the generation closed (it lost a race) arms nothing: no client outlives it.
    if (!this.closed && this.waiter === current) this.waiter = this.tmux.waitFor(this.channel);
  }

  /**
   * Wakes the armed waiter through tmux rather than killing it: tmux then forgets the channel, where a killed
   * client would stay registered on it for the server's lifetime.
   */
  close(): void {
    this.closed = true;
    const waiter = this.waiter;
    // A server that is gone (a stop ends it first) took its channels along: no client to start for it.
    if (!this.tmux.isRunning) {
      waiter.cancel();
      return;
    }
    void this.tmux.command(['wait-for', '-S', this.channel]).then((result) => {
      if (!result.ok) waiter.cancel();
    });
  }
}
