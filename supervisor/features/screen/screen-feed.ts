import type { PaneScreen } from '../../tmux/pane-screen.js';
import { EventStream } from '../observation/event-stream.js';

/** The fastest the screen is captured while output flows: a person reads no faster, and tmux is spared. */
export const SCREEN_MIN_INTERVAL_MS = 100;

/**
 * The agent's screen as server-sent events (`event: screen`, data: a PaneScreen), captured only while someone
 * watches and only when the pane printed something: no timer runs, and an idle or unwatched agent costs nothing.
 * Captures are throttled to one per SCREEN_MIN_INTERVAL_MS, the last output always followed by a capture.
 */
export class ScreenFeed {
  readonly stream: EventStream;
  private last = '';
  private capturing = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private lastAtMs = 0;

  constructor(
    private readonly capture: () => Promise<PaneScreen | null>,
    scrub: (text: string) => string,
    onCutOff: (fields: { unsentBytes: number; cutOff: number }) => void,
  ) {
    this.stream = new EventStream(scrub, onCutOff);
  }

  /** The screen now, for a client that just came (its first event). */
  async current(): Promise<PaneScreen | null> {
    return this.capture();
  }

  /** The pane printed: capture soon, unless nobody watches. */
  changed(): void {
    if (this.stream.listeners === 0) return;
    if (this.capturing) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    const waitMs = Math.max(0, this.lastAtMs + SCREEN_MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.publish();
    }, waitMs);
    this.timer.unref();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.stream.close();
  }

  private async publish(): Promise<void> {
    this.capturing = true;
    this.lastAtMs = Date.now();
    const screen = await this.capture().catch(() => null);
    this.capturing = false;
    if (screen) {
      const key = JSON.stringify(screen);
      if (key !== this.last) {
        this.last = key;
        this.stream.publish('screen', screen);
      }
    }
    if (this.again) {
      this.again = false;
      this.changed();
    }
  }
}
