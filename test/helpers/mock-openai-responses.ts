import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { MockApiServer, type MockRequest, recordedHeaders, writeEventStream } from './mock-api-server.js';

/** A shell command the mock asks Codex to run when a turn's prompt contains `trigger`. */
export interface MockCommand {
  trigger: string;
  command: string;
  /** Why it needs to run outside the sandbox: Codex shows it, and asks before running it. */
  justification: string;
}

/**
 * A small stand-in for OpenAI's Responses API on loopback, enough for Codex CLI to run a turn: every POST to
 * .../responses gets one assistant message, streamed as server-sent events (response.created, the message
 * item, response.completed). It records each request's input texts so a test sees what reached the model.
 * Given a `MockCommand`, a turn whose prompt starts with its trigger first gets a call of Codex's exec_command tool that
 * asks to run outside the sandbox (so Codex asks for permission), and the message once the tool's output is back.
 * With `acceptWebSocket`, .../responses also takes Codex's WebSocket: each JSON text message (`response.create`) is
 * recorded as a request (`transport: 'websocket'`) and answered with the same events, one text message each.
 */
export class MockOpenAIResponses extends MockApiServer {
  acceptWebSocket = false;
  private readonly sockets = new WebSocketServer({ noServer: true });

  constructor(
    private readonly reply = 'hello from the mock model',
    private readonly toolCall: MockCommand | null = null,
  ) {
    super();
  }

  protected respond({ path, method, body }: MockRequest, res: ServerResponse): void {
    if (method !== 'POST' || !path.includes('/responses')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not mocked"}}');
      return;
    }
    writeEventStream(res, this.turn(body));
  }

  protected override upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!this.acceptWebSocket || !(req.url ?? '').includes('/responses')) return super.upgrade(req, socket, head);
    this.sockets.handleUpgrade(req, socket, head, (ws) => {
      ws.on('message', (data, isBinary) => {
        let message: any = {};
        try {
          message = JSON.parse(String(data));
        } catch {
          // not JSON: recorded as empty
        }
        if (isBinary || message?.type !== 'response.create') return;
        const { type: _type, ...body } = message;
        this.requests.push({ path: req.url ?? '', method: 'GET', body, ...recordedHeaders(req), transport: 'websocket' });
        // `generate: false` warms the connection up (Codex sends one before the turn): an empty response, no turn.
        const events = body.generate === false ? this.events(String(body.model ?? 'mock'), null) : this.turn(body);
        for (const [, event] of events) ws.send(JSON.stringify(event));
      });
    });
  }

  /** An open WebSocket holds the server's close: end them first. */
  override close(): Promise<void> {
    for (const ws of this.sockets.clients) ws.terminate();
    return super.close();
  }

  /** The answer to one request: a call of the command when the turn asks for it, the message otherwise. */
  private turn(body: any): Array<[string, unknown]> {
    return this.events(String(body.model ?? 'mock'), this.wantsCommand(body) ? this.commandItem() : this.messageItem());
  }

  /** Every user text the requests carried, in order. */
  userTexts(): string[] {
    return this.requests.flatMap((r) => userTextsOf(r.body));
  }

  /** The user texts one request carried. */
  userTextsOf(request: MockRequest): string[] {
    return userTextsOf(request.body);
  }

  /** The outputs of tool calls the requests carried (what the model got back: the command's result, or a refusal). */
  toolOutputs(): string[] {
    return this.requests.flatMap((r) =>
      (Array.isArray(r.body.input) ? r.body.input : []).filter((item: any) => item?.type === 'function_call_output').map((item: any) => JSON.stringify(item.output)),
    );
  }

  /**
   * The turn asks for the command: its last user text starts with the trigger (the thread that titles the task
   * quotes the prompt after its own words) and no tool output came back since.
   */
  private wantsCommand(body: any): boolean {
    if (!this.toolCall || !Array.isArray(body.input)) return false;
    const last = body.input.at(-1);
    return last?.type !== 'function_call_output' && (userTextsOf(body).at(-1) ?? '').startsWith(this.toolCall.trigger);
  }

  private commandItem(): Record<string, unknown> {
    const { command, justification } = this.toolCall as MockCommand;
    const args = { cmd: command, sandbox_permissions: 'require_escalated', justification };
    return { type: 'function_call', id: `fc_${this.requests.length}`, call_id: `call_${this.requests.length}`, name: 'exec_command', arguments: JSON.stringify(args), status: 'completed' };
  }

  private messageItem(): Record<string, unknown> {
    return { type: 'message', id: `msg_${this.requests.length}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: this.reply, annotations: [] }] };
  }

  private events(model: string, item: Record<string, unknown> | null): Array<[string, unknown]> {
    const id = `resp_${this.requests.length}`;
    const response = { id, object: 'response', model, status: 'in_progress', output: [] as unknown[] };
    const usage = { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 };
    if (item === null) {
      return [
        ['response.created', { type: 'response.created', response }],
        ['response.completed', { type: 'response.completed', response: { ...response, status: 'completed', output: [], usage } }],
      ];
    }
    const events: Array<[string, unknown]> = [
      ['response.created', { type: 'response.created', response }],
      ['response.output_item.added', { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', ...(item.type === 'message' ? { content: [] } : {}) } }],
      ...(item.type === 'message' ? [['response.output_text.delta', { type: 'response.output_text.delta', item_id: item.id, output_index: 0, content_index: 0, delta: this.reply }] as [string, unknown]] : []),
      ['response.output_item.done', { type: 'response.output_item.done', output_index: 0, item }],
      ['response.completed', { type: 'response.completed', response: { ...response, status: 'completed', output: [item], usage } }],
    ];
    return events;
  }
}

function userTextsOf(body: any): string[] {
  return (Array.isArray(body.input) ? body.input : [])
    .filter((item: any) => item?.role === 'user')
    .flatMap((item: any) => (Array.isArray(item.content) ? item.content : []).map((c: any) => String(c?.text ?? '')));
}
