import type { ServerResponse } from 'node:http';

/** A client with this much unsent is not reading: it is cut off rather than buffered for without end. */
export const EVENTS_MAX_UNSENT_BYTES = 256 * 1024;
/** Listeners at once, each at most EVENTS_MAX_UNSENT_BYTES behind: the stream's memory has a ceiling. */
export const EVENTS_MAX_CLIENTS = 32;

/** Why a client was let go, for the log: how many so far, and how much it had not read. */
export type EventsCutOff = { unsentBytes: number; cutOff: number };

/**
 * Server-sent events (`GET /events`) for tools that watch many agents: each state change and lifecycle event
 * as `event: <name>` with a JSON `data:` line. A comment every 20 s keeps proxies from closing idle streams;
 * the timer runs only while someone listens.
 */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private keepAlive: NodeJS.Timeout | null = null;
  private nextId = 1;
  private cutOff = 0;

  constructor(
    private readonly scrub: (text: string) => string = (text) => text,
    /** Called each time a client that stopped reading is cut off. */
    private readonly onCutOff: (fields: EventsCutOff) => void = () => {},
  ) {}

  /** Takes over a response: headers, then events until the client goes. Refused (503) beyond EVENTS_MAX_CLIENTS. */
  attach(res: ServerResponse, initial: { name: string; data: unknown }): void {
    if (this.clients.size >= EVENTS_MAX_CLIENTS) {
      res.writeHead(503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(`${JSON.stringify({ error: `at most ${EVENTS_MAX_CLIENTS} /events clients at once` })}\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.socket?.setTimeout(0);
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (this.clients.size === 0 && this.keepAlive) {
        clearInterval(this.keepAlive);
        this.keepAlive = null;
      }
    });
    this.send(res, this.format(initial.name, initial.data));
    if (!this.keepAlive) {
      this.keepAlive = setInterval(() => {
        for (const client of this.clients) this.send(client, ': keep-alive\n\n');
      }, 20_000);
      this.keepAlive.unref();
    }
  }

  publish(name: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const text = this.format(name, data);
    for (const client of this.clients) this.send(client, text);
  }

  get listeners(): number {
    return this.clients.size;
  }

  close(): void {
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private format(name: string, data: unknown): string {
    return `id: ${this.nextId++}\nevent: ${name}\ndata: ${this.scrub(JSON.stringify(data))}\n\n`;
  }

  private send(res: ServerResponse, text: string): void {
    res.write(text);
    if (res.writableLength <= EVENTS_MAX_UNSENT_BYTES) return;
    const unsentBytes = res.writableLength;
    this.clients.delete(res);
    res.destroy();
    this.cutOff += 1;
    this.onCutOff({ unsentBytes, cutOff: this.cutOff });
  }
}
