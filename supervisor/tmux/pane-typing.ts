import type { TmuxServer } from './tmux-server.js';

/**
 * Types text into the agent's pane as a person pasting it would: the text goes to a tmux buffer through the
 * client's stdin (never argv, which every process can read in `ps`), then `paste-buffer -p` sends it, wrapped
 * in bracketed-paste markers when the agent asked for them, so that a leading `-` or a newline is text, not an
 * option or a submit. `-d` deletes the buffer once pasted.
 */
export class PaneTyping {
  private readonly buffer = `agentgate-prompt-${process.pid}`;

  constructor(
    private readonly tmux: Pick<TmuxServer, 'command'>,
    private readonly session: string,
  ) {}

  /** Pastes `text` into the pane; false when tmux could not (no session, a dead pane). */
  async paste(text: string): Promise<boolean> {
    const loaded = await this.tmux.command(['load-buffer', '-b', this.buffer, '-'], 5000, text);
    if (!loaded.ok) return false;
    const pasted = await this.tmux.command(['paste-buffer', '-p', '-d', '-b', this.buffer, '-t', `${this.session}:`]);
    // A paste that failed leaves the buffer: delete it, so the text does not stay in the tmux server.
    if (!pasted.ok) await this.tmux.command(['delete-buffer', '-b', this.buffer]);
    return pasted.ok;
  }

  /** Presses Enter in the pane. */
  async enter(): Promise<boolean> {
    return (await this.tmux.command(['send-keys', '-t', `${this.session}:`, 'Enter'])).ok;
  }
}
