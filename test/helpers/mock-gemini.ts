import type { ServerResponse } from 'node:http';
import { MockApiServer, type MockRequest } from './mock-api-server.js';

/**
 * A small stand-in for the Gemini API on loopback, enough for Gemini CLI to run a turn with a fixed model:
 * streamGenerateContent (SSE) and generateContent answer one model text, countTokens a count. It records each
 * request's user texts so a test sees what reached the model (and, on a resumed chat, the earlier turns).
 * Given `command`, a turn whose prompt starts with its trigger first gets a call of Gemini CLI's
 * run_shell_command tool (which it asks permission for), and the text once the tool's response is back.
 */
export class MockGemini extends MockApiServer {
  constructor(
    private readonly reply = 'hello from the mock model',
    private readonly command: { trigger: string; command: string } | null = null,
  ) {
    super();
  }

  protected respond({ path, body }: MockRequest, res: ServerResponse): void {
    const parts = this.wantsCommand(body)
      ? [{ functionCall: { name: 'run_shell_command', args: { command: this.command?.command, description: 'the test needs it' } } }]
      : [{ text: this.reply }];
    const candidate = { content: { role: 'model', parts }, finishReason: 'STOP', index: 0 };
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
  }

  /** The user texts of each streamed turn's contents, one list per request. */
  turns(): string[][] {
    return this.requests
      .filter((r) => r.path.includes(':streamGenerateContent') && Array.isArray(r.body.contents))
      .map((r) => (r.body.contents as any[]).filter((c) => c?.role === 'user').flatMap((c) => (c.parts ?? []).map((p: any) => String(p?.text ?? ''))));
  }

  /** The last content is the user's, with a text part starting with the trigger (not a tool's response). */
  private wantsCommand(body: any): boolean {
    const last = Array.isArray(body.contents) ? body.contents.at(-1) : null;
    const trigger = this.command?.trigger;
    return trigger !== undefined && last?.role === 'user' && (last.parts ?? []).some((p: any) => typeof p?.text === 'string' && p.text.startsWith(trigger));
  }
}
