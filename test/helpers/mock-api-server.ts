import { type Server, type ServerResponse, createServer } from 'node:http';

/** One request a mock model API received, as a test reads it back. */
export interface MockRequest {
  path: string;
  method: string;
  body: any;
  /** The address the request came from (the proxy's, when the client went through one). */
  from: string;
  /** The credential headers it carried, to see what the egress proxy's credential endpoint attached. */
  apiKey: string | undefined;
  authorization: string | undefined;
  /** Gemini's key header. */
  googApiKey: string | undefined;
}

/**
 * What every mock model API shares: a plain HTTP server on a free port that reads each request's JSON body
 * (a body that is not JSON, or is compressed, is recorded as empty), records it, then lets the mock answer.
 */
export abstract class MockApiServer {
  readonly requests: MockRequest[] = [];
  port = 0;
  private server: Server | null = null;

  /** Answers one recorded request; `this.requests` already holds it. */
  protected abstract respond(request: MockRequest, res: ServerResponse): void;

  /** Listens on `host` (loopback by default; 0.0.0.0 for containers that reach the host through a bridge). */
  async start(host = '127.0.0.1'): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        let body: any = {};
        try {
          body = JSON.parse(raw || '{}');
        } catch {
          // not JSON: recorded as empty
        }
        const request: MockRequest = {
          path: req.url ?? '',
          method: req.method ?? '',
          body,
          from: req.socket.remoteAddress ?? '',
          apiKey: req.headers['x-api-key'] as string | undefined,
          authorization: req.headers.authorization,
          googApiKey: req.headers['x-goog-api-key'] as string | undefined,
        };
        this.requests.push(request);
        this.respond(request, res);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, host, () => resolve()));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  /** Stops listening and drops open connections (agents keep theirs alive), resolving once closed. */
  close(): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    return closed;
  }
}

/** Writes `events` as one complete server-sent event stream. */
export function writeEventStream(res: ServerResponse, events: ReadonlyArray<[string, unknown]>): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [name, data] of events) res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
  res.end();
}
