import { type Server, createServer } from 'node:http';

export interface MockRequest {
  path: string;
  body: any;
}

/**
 * A small stand-in for the Messages API on loopback, enough for Claude Code to run a turn: every POST to
 * /v1/messages gets one assistant text reply, streamed (SSE) when asked. It records each request so that a
 * test can see what reached the model: the prompt, and on a resumed session the earlier messages too.
 */
export class MockAnthropic {
  readonly requests: MockRequest[] = [];
  private server: Server | null = null;
  port = 0;

  constructor(private readonly reply = 'hello from the mock model') {}

  async start(): Promise<void> {
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
        this.requests.push({ path: req.url ?? '', body });
        if (!(req.url ?? '').startsWith('/v1/messages') || req.method !== 'POST') {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
          return;
        }
        if (body.stream) this.stream(res, body.model);
        else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.message(body.model)));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  /** The user texts of the requests' conversations, newest request last. */
  conversations(): string[][] {
    return this.requests
      .filter((r) => r.path.startsWith('/v1/messages') && Array.isArray(r.body.messages))
      .map((r) => (r.body.messages as any[]).filter((m) => m.role === 'user').flatMap((m) => texts(m.content)));
  }

  stop(): void {
    this.server?.close();
    this.server?.closeAllConnections();
  }

  private message(model: string) {
    return {
      id: `msg_${this.requests.length}`,
      type: 'message',
      role: 'assistant',
      model: model ?? 'claude-mock',
      content: [{ type: 'text', text: this.reply }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 5 },
    };
  }

  private stream(res: import('node:http').ServerResponse, model: string): void {
    const message = this.message(model);
    const events: Array<[string, unknown]> = [
      ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } } }],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: this.reply } }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 5 } }],
      ['message_stop', { type: 'message_stop' }],
    ];
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const [name, data] of events) res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    res.end();
  }
}

function texts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.filter((c) => c && c.type === 'text' && typeof c.text === 'string').map((c) => c.text as string);
}
