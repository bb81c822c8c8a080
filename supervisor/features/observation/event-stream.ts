import type { ServerResponse } from 'node:http';

/**
 * Server-sent events (`GET /events`) for tools that watch many agents: each state change and lifecycle event
 * as `event: <name>` with a JSON `data:` line. A comment every 20 s keeps proxies from closing idle streams;
 * the timer runs only while someone listens.
 */
export class EventStream {
  private readonly clients = new Set<ServerResponse>();
  private keepAlive: NodeJS.Timeout | null = null;
  private nextId = 1;

  constructor(private readonly scrub: (text: string) => string = (text) => text) {}

  /** Takes over a response: headers, then events until the client goes. */
  attach(res: ServerResponse, initial: { name: string; data: unknown }): void {
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
    this.write(res, initial.name, initial.data);
    if (!this.keepAlive) {
      this.keepAlive = setInterval(() => {
        for (const client of this.clients) client.write(': keep-alive\n\n');
      }, 20_000);
      this.keepAlive.unref();
    }
  }

  publish(name: string, data: unknown): void {
    for (const client of this.clients) this.write(client, name, data);
  }

  get listeners(): number {
    return this.clients.size;
  }

  close(): void {
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private write(res: ServerResponse, name: string, data: unknown): void {
    res.write(`id: ${this.nextId++}\nevent: ${name}\ndata: ${this.scrub(JSON.stringify(data))}\n\n`);
  }
}
