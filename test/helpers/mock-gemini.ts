import { type Server, createServer } from 'node:http';

/**
 * A small stand-in for the Gemini API on loopback, enough for Gemini CLI to run a turn with a fixed model:
 * streamGenerateContent (SSE) and generateContent answer one model text, countTokens a count. It records each
 * request's user texts so a test sees what reached the model (and, on a resumed chat, the earlier turns).
 */
export class MockGemini {
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
          // not JSON: recorded as empty
        }
        const path = req.url ?? '';
        this.requests.push({ path, body });
        const candidate = { content: { role: 'model', parts: [{ text: this.reply }] }, finishReason: 'STOP', index: 0 };
        const answer = { candidates: [candidate], usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 }, modelVersion: 'mock' };
        if (path.includes(':streamGenerateContent')) {
          res.writeHead(200, { 'content-type': 'text/event-stream' }).end(`data: ${JSON.stringify(answer)}\r\n\r\n`);
        } else if (path.includes(':generateContent')) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        } else if (path.includes(':countTokens')) {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"totalTokens":10}');
        } else {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":404,"message":"not mocked","status":"NOT_FOUND"}}');
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, host, () => resolve()));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  /** The user texts of each streamed turn's contents, one list per request. */
  turns(): string[][] {
    return this.requests
      .filter((r) => r.path.includes(':streamGenerateContent') && Array.isArray(r.body.contents))
      .map((r) => (r.body.contents as any[]).filter((c) => c?.role === 'user').flatMap((c) => (c.parts ?? []).map((p: any) => String(p?.text ?? ''))));
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
