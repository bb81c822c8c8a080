import type { ServerResponse } from 'node:http';
import { MockApiServer, type MockRequest, writeEventStream } from './mock-api-server.js';

/**
 * A small stand-in for OpenAI's Responses API on loopback, enough for Codex CLI to run a turn: every POST to
 * .../responses gets one assistant message, streamed as server-sent events (response.created, the message
 * item, response.completed). It records each request's input texts so a test sees what reached the model.
 */
export class MockOpenAIResponses extends MockApiServer {
  constructor(private readonly reply = 'hello from the mock model') {
    super();
  }

  protected respond({ path, method, body }: MockRequest, res: ServerResponse): void {
    if (method !== 'POST' || !path.includes('/responses')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not mocked"}}');
      return;
    }
    this.stream(res, String(body.model ?? 'mock'));
  }

  /** Every user text the requests carried, in order. */
  userTexts(): string[] {
    return this.requests.flatMap((r) =>
      (Array.isArray(r.body.input) ? r.body.input : [])
        .filter((item: any) => item?.role === 'user')
        .flatMap((item: any) => (Array.isArray(item.content) ? item.content : []).map((c: any) => String(c?.text ?? ''))),
    );
  }

  private stream(res: ServerResponse, model: string): void {
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
    writeEventStream(res, events);
  }
}
