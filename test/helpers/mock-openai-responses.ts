import { type Server, createServer } from 'node:http';

/**
 * A small stand-in for OpenAI's Responses API on loopback, enough for Codex CLI to run a turn: every POST to
 * .../responses gets one assistant message, streamed as server-sent events (response.created, the message
 * item, response.completed). It records each request's input texts so a test sees what reached the model.
 */
export class MockOpenAIResponses {
  readonly requests: Array<{ path: string; body: any }> = [];
  private server: Server | null = null;
  port = 0;

  constructor(private readonly reply = 'hello from the mock model') {}

  async start(host = '127.0.0.1'): Promise<void> {
    this.server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d) => (raw += d));
      req.on('end', () => {
        let body: any = {};
        try {
          body = JSON.parse(raw || '{}');
        } catch {
          // not JSON (or compressed): recorded as empty
        }
        this.requests.push({ path: req.url ?? '', body });
        if (req.method !== 'POST' || !(req.url ?? '').includes('/responses')) {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not mocked"}}');
          return;
        }
        this.stream(res, String(body.model ?? 'mock'));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, host, () => resolve()));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  /** Every user text the requests carried, in order. */
  userTexts(): string[] {
    return this.requests.flatMap((r) =>
      (Array.isArray(r.body.input) ? r.body.input : [])
        .filter((item: any) => item?.role === 'user')
        .flatMap((item: any) => (Array.isArray(item.content) ? item.content : []).map((c: any) => String(c?.text ?? ''))),
    );
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private stream(res: import('node:http').ServerResponse, model: string): void {
    const id = `resp_${this.requests.length}`;
    const item = { type: 'message', id: `msg_${this.requests.length}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: this.reply, annotations: [] }] };
    const response = { id, object: 'response', model, status: 'in_progress', output: [] as unknown[] };
    const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };
    const events: Array<[string, unknown]> = [
      ['response.created', { type: 'response.created', response }],
      ['response.output_item.added', { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', content: [] } }],
      ['response.output_text.delta', { type: 'response.output_text.delta', item_id: item.id, output_index: 0, content_index: 0, delta: this.reply }],
      ['response.output_item.done', { type: 'response.output_item.done', output_index: 0, item }],
      ['response.completed', { type: 'response.completed', response: { ...response, status: 'completed', output: [item], usage } }],
    ];
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const [event, data] of events) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    res.end();
  }
}
