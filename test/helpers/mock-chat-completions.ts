import type { ServerResponse } from 'node:http';
import { MockApiServer, type MockRequest } from './mock-api-server.js';

/**
 * A small stand-in for an OpenAI-compatible Chat Completions API on loopback (what OpenCode's
 * `@ai-sdk/openai-compatible` providers speak): every POST to .../chat/completions gets one assistant message,
 * streamed as `data:` chunks ending with `[DONE]` (or whole, when not streamed). It records each request's user
 * texts so a test sees what reached the model.
 */
export class MockChatCompletions extends MockApiServer {
  /**
   * @param bash given, a turn whose last user text contains `trigger` first gets a call of the agents' `bash`
   * tool running `command` (OpenCode and Copilot CLI ask before running it), and the message once its result is back.
   */
  constructor(
    private readonly reply = 'hello from the mock model',
    private readonly bash: { trigger: string; command: string } | null = null,
  ) {
    super();
  }

  protected respond({ path, method, body }: MockRequest, res: ServerResponse): void {
    if (method !== 'POST' || !path.includes('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not mocked"}}');
      return;
    }
    const model = String(body.model ?? 'mock');
    const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
    if (!body.stream) {
      const message = { role: 'assistant', content: this.reply };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'chatcmpl-mock', object: 'chat.completion', created: 0, model, choices: [{ index: 0, message, finish_reason: 'stop' }], usage }));
      return;
    }
    const chunk = (choice: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, ...choice }], ...extra })}\n\n`;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    if (this.wantsBash(body)) {
      const call = { index: 0, id: `call_${this.requests.length}`, type: 'function', function: { name: 'bash', arguments: JSON.stringify({ command: this.bash?.command, description: 'Runs the command the test asked for' }) } };
      res.write(chunk({ delta: { role: 'assistant', tool_calls: [call] }, finish_reason: null }));
      res.write(chunk({ delta: {}, finish_reason: 'tool_calls' }, { usage }));
      return void res.end('data: [DONE]\n\n');
    }
    res.write(chunk({ delta: { role: 'assistant', content: this.reply }, finish_reason: null }));
    res.write(chunk({ delta: {}, finish_reason: 'stop' }, { usage }));
    res.end('data: [DONE]\n\n');
  }

  /** The results of tool calls the requests carried (the command's output, or a refusal), as the model got them. */
  toolResults(): string[] {
    return this.requests.flatMap((r) => (Array.isArray(r.body.messages) ? r.body.messages : []).filter((m: any) => m?.role === 'tool').map((m: any) => JSON.stringify(m.content)));
  }

  /** The turn asks for the command: a streamed request offering `bash`, its last message a user text with the trigger. */
  private wantsBash(body: any): boolean {
    if (!this.bash || !Array.isArray(body.messages) || !Array.isArray(body.tools)) return false;
    if (!body.tools.some((t: any) => t?.function?.name === 'bash')) return false;
    const last = body.messages.at(-1);
    const text = typeof last?.content === 'string' ? last.content : Array.isArray(last?.content) ? last.content.map((c: any) => String(c?.text ?? '')).join(' ') : '';
    return last?.role === 'user' && text.includes(this.bash.trigger);
  }

  /** The user texts of each request, one list per request (a resumed session sends the earlier turns too). */
  turns(): string[][] {
    return this.requests.map((r) =>
      (Array.isArray(r.body.messages) ? r.body.messages : [])
        .filter((m: any) => m?.role === 'user')
        .flatMap((m: any) => (typeof m.content === 'string' ? [m.content] : Array.isArray(m.content) ? m.content.map((c: any) => String(c?.text ?? '')) : [])),
    );
  }
}
