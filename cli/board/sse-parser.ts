/** One server-sent event: its name (`message` when unnamed) and its data lines joined. */
export interface SseEvent {
  event: string;
  data: string;
}

/** The most one event may hold: a stream that never ends an event is cut, not buffered without end. */
export const SSE_MAX_EVENT_BYTES = 4 * 1024 * 1024;

/**
 * Reads a text/event-stream as it arrives (chunks split anywhere), per the WHATWG rules the supervisor's
 * /events and /screen follow: `event:` and `data:` fields, a blank line ends an event, `:` lines are comments.
 */
export class SseParser {
  private buffer = '';
  private event = '';
  private data: string[] = [];

  /** The events completed by this chunk; throws when one grows past SSE_MAX_EVENT_BYTES. */
  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    if (this.buffer.length > SSE_MAX_EVENT_BYTES) throw new Error(`an event over ${SSE_MAX_EVENT_BYTES} bytes`);
    const done: SseEvent[] = [];
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '');
      this.buffer = this.buffer.slice(newline + 1);
      if (line === '') {
        if (this.data.length > 0) done.push({ event: this.event || 'message', data: this.data.join('\n') });
        this.event = '';
        this.data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') this.event = value;
      else if (field === 'data') this.data.push(value);
    }
    return done;
  }
}
