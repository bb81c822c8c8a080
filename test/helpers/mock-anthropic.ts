import type { ServerResponse } from 'node:http';
import { MockApiServer, type MockRequest, writeEventStream } from './mock-api-server.js';

export type { MockRequest };

/**
 * A small stand-in for the Messages API on loopback, enough for Claude Code to run a turn: every POST to
 * /v1/messages gets one assistant text reply, streamed (SSE) when asked. When the conversation's last user
 * text contains `toolTrigger` (and no tool result follows yet), the reply is a Bash tool call instead, which
 * makes Claude ask for permission. It records each request so that a test can see what reached the model:
 * the prompt, and on a resumed session the earlier messages too.
 */
export class MockAnthropic extends MockApiServer {
  constructor(
    private readonly reply = 'hello from the mock model',
    private readonly toolTrigger = 'please run the tool',
  ) {
    super();
  }

  protected respond({ path, method, body }: MockRequest, res: ServerResponse): void {
    if (!path.startsWith('/v1/messages') || method !== 'POST') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const tool = this.wantsTool(body);
    if (body.stream) this.stream(res, body.model, tool);
    else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(this.message(body.model, tool)));
  }

  /** The user texts of the requests' conversations, newest request last. */
  conversations(): string[][] {
    return this.requests
      .filter((r) => r.path.startsWith('/v1/messages') && Array.isArray(r.body.messages))
      .map((r) => (r.body.messages as any[]).filter((m) => m.role === 'user').flatMap((m) => texts(m.content)));
  }

  /** `close()` without waiting, as the Claude tests have always called it. */
  stop(): void {
    void this.close();
  }

  /** The last user message asks for the tool and carries no tool result yet (Claude may append a system message after it). */
  private wantsTool(body: any): boolean {
    const users = Array.isArray(body.messages) ? body.messages.filter((m: any) => m?.role === 'user') : [];
    const last = users[users.length - 1];
    if (!last || !Array.isArray(body.tools) || body.tools.length === 0) return false;
    const content = Array.isArray(last.content) ? last.content : [];
    if (content.some((c: any) => c?.type === 'tool_result')) return false;
    return texts(last.content).some((t) => t.includes(this.toolTrigger));
  }

  private message(model: string, tool = false) {
    const content = tool
      ? [{ type: 'tool_use', id: `toolu_${this.requests.length}`, name: 'Bash', input: { command: 'touch /workspace/made-by-the-tool', description: 'Make a file' } }]
      : [{ type: 'text', text: this.reply }];
    return {
      id: `msg_${this.requests.length}`,
      type: 'message',
      role: 'assistant',
      model: model ?? 'claude-mock',
      content,
      stop_reason: tool ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 5 },
    };
  }

  private stream(res: ServerResponse, model: string, tool: boolean): void {
    const message = this.message(model, tool);
    const block = message.content[0] as any;
    const [start, delta] = tool
      ? [{ ...block, input: {} }, { type: 'input_json_delta', partial_json: JSON.stringify(block.input) }]
      : [{ type: 'text', text: '' }, { type: 'text_delta', text: this.reply }];
    const events: Array<[string, unknown]> = [
      ['message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } } }],
      ['content_block_start', { type: 'content_block_start', index: 0, content_block: start }],
      ['content_block_delta', { type: 'content_block_delta', index: 0, delta }],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      ['message_delta', { type: 'message_delta', delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: 5 } }],
      ['message_stop', { type: 'message_stop' }],
    ];
    writeEventStream(res, events);
  }
}

function texts(content: unknown): string[] {
  if (typeof content === 'string') return [content];
  if (!Array.isArray(content)) return [];
  return content.filter((c) => c && c.type === 'text' && typeof c.text === 'string').map((c) => c.text as string);
}
