import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Duplex } from 'node:stream';

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
  /** Azure OpenAI's key header (`api-key`), as Copilot CLI sends its provider key with COPILOT_PROVIDER_TYPE=azure. */
  azureApiKey: string | undefined;
  /** Set for a message that came over a WebSocket (the connection's upgrade request gave the headers above). */
  transport?: 'websocket';
}

/** The request fields a mock records from an HTTP request's headers (a WebSocket message takes its upgrade's). */
export function recordedHeaders(req: IncomingMessage): Pick<MockRequest, 'from' | 'apiKey' | 'authorization' | 'googApiKey' | 'azureApiKey'> {
  return {
    from: req.socket.remoteAddress ?? '',
    apiKey: req.headers['x-api-key'] as string | undefined,
    authorization: req.headers.authorization,
    googApiKey: req.headers['x-goog-api-key'] as string | undefined,
    azureApiKey: req.headers['api-key'] as string | undefined,
  };
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

  /** Takes an upgrade (a WebSocket); a mock without one refuses it, as Node does with no listener. */
  protected upgrade(_req: IncomingMessage, socket: Duplex, _head: Buffer): void {
    socket.destroy();
  }

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
        const request: MockRequest = { path: req.url ?? '', method: req.method ?? '', body, ...recordedHeaders(req) };
        this.requests.push(request);
        this.respond(request, res);
      });
    });
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
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
