import type { ChildProcess } from 'node:child_process';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseLogLines } from '../helpers/log-lines.js';
import { MockOpenAIResponses } from '../helpers/mock-openai-responses.js';
import { startCredentialProxy } from '../helpers/proxy-process.js';
import { waitFor } from '../helpers/wait-for.js';

// The value the agent holds (copied here, not imported: the test checks the bundle, not the source's constants).
const OPENAI_PLACEHOLDER = 'sk-agentgate-placeholder-the-egress-proxy-holds-the-openai-key';
const GEMINI_PLACEHOLDER = 'agentgate-placeholder-the-egress-proxy-holds-the-gemini-key';
const OPENAI_KEY = `sk-openai-real-key-for-the-websocket-${process.pid}`;

/** What a WebSocket client saw: the messages until the turn completed, or the status of a refused upgrade. */
function openTurn(url: string, headers: Record<string, string>): Promise<{ messages: any[] } | { refused: number | null; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: any[] = [];
    ws.on('open', () => ws.send(JSON.stringify({ type: 'response.create', model: 'mock', input: [{ role: 'user', content: [{ type: 'input_text', text: 'hello over a websocket' }] }] })));
    ws.on('message', (data) => {
      messages.push(JSON.parse(String(data)));
      if (messages.at(-1)?.type === 'response.completed') {
        ws.close();
        resolve({ messages });
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d));
      res.on('end', () => resolve({ refused: res.statusCode ?? null, body }));
    });
    ws.on('error', reject);
  });
}

/**
 * `agentgate proxy` from the real bundle carrying Codex's WebSocket to the Responses API: the upgrade goes to the
 * same upstream as a request on that path, with the placeholder swapped, and messages flow both ways.
 */
describe('agentgate proxy: a WebSocket through the credential endpoint', () => {
  const openai = new MockOpenAIResponses();
  const claude = new MockOpenAIResponses('hello from the default upstream');
  let proxy: ChildProcess;
  let output = '';
  let credentialPort = 0;
  const events = (msg: string) => parseLogLines(output.split('\n')).filter((entry) => entry.msg === msg);

  beforeAll(async () => {
    openai.acceptWebSocket = true;
    for (const mock of [openai, claude]) await mock.start();
    const started = await startCredentialProxy(
      {
        AGENTGATE_CREDENTIAL_UPSTREAM: `http://127.0.0.1:${claude.port}`,
        AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI: `http://127.0.0.1:${openai.port}/v1`,
        OPENAI_API_KEY: OPENAI_KEY,
      },
      (text) => (output += text),
    );
    proxy = started.child;
    credentialPort = started.credentialPort;
  });
  afterAll(async () => {
    proxy?.kill('SIGKILL');
    for (const mock of [openai, claude]) await mock.close();
  });

  it('carries the upgrade to the OpenAI upstream with the real key, and the turn back', async () => {
    const turn = await openTurn(`ws://127.0.0.1:${credentialPort}/openai/responses`, { authorization: `Bearer ${OPENAI_PLACEHOLDER}` });
    expect('messages' in turn && turn.messages.map((m) => m.type)).toEqual(['response.created', 'response.output_item.added', 'response.output_text.delta', 'response.output_item.done', 'response.completed']);
    expect(openai.requests.at(-1)).toMatchObject({ transport: 'websocket', path: '/v1/responses', authorization: `Bearer ${OPENAI_KEY}` });
    expect(openai.userTexts()).toContain('hello over a websocket');
    await waitFor(() => events('credential request').some((e) => e.upgrade === true), 'the tunnel in the log', 5000, () => output);
    expect(events('credential request').find((e) => e.upgrade === true)).toMatchObject({ status: 101, credential: 'openai-api-key', upstream: `127.0.0.1:${openai.port}` });
    // The client closed it: the tunnel's end is logged with the bytes that went through.
    await waitFor(() => events('credential tunnel closed').length > 0, 'the tunnel closed in the log', 5000, () => output);
    expect(events('credential tunnel closed')[0]?.bytesDown).toBeGreaterThan(0);
    expect(output).not.toContain(OPENAI_KEY);
  });

  it('refuses a placeholder it holds no key for, naming the variable, before reaching any upstream', async () => {
    const before = openai.requests.length;
    const turn = await openTurn(`ws://127.0.0.1:${credentialPort}/gemini/v1beta/models`, { 'x-goog-api-key': GEMINI_PLACEHOLDER });
    expect(turn).toMatchObject({ refused: 401 });
    expect('body' in turn && turn.body).toContain('GEMINI_API_KEY');
    expect(openai.requests.length).toBe(before);
  });

  it('passes back an upstream that does not upgrade as a failed upgrade, and keeps serving', async () => {
    // The default upstream here takes no WebSocket: it drops the connection, which the agent sees as a 502.
    const turn = await openTurn(`ws://127.0.0.1:${credentialPort}/v1/responses`, { 'x-api-key': 'a key of the agent own' });
    expect(turn).toMatchObject({ refused: 502 });
    await waitFor(() => events('egress upstream failed').some((e) => e.upgrade === true), 'the failed upgrade in the log', 5000, () => output);
    const res = await fetch(`http://127.0.0.1:${credentialPort}/openai/responses`, { method: 'POST', headers: { authorization: `Bearer ${OPENAI_PLACEHOLDER}`, 'content-type': 'application/json' }, body: '{"model":"mock","input":"hello"}' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('hello from the mock model');
  });
});

/**
 * An upstream that answers the upgrade with a plain status (an API refusing the key: 401 and a JSON body) instead of
 * 101: the agent gets that answer as it came, without the upstream connection's own (hop-by-hop) headers.
 */
describe('agentgate proxy: an upstream that refuses the upgrade', () => {
  const refusal = '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error"}}';
  let upstream: Server;
  let proxy: ChildProcess;
  let output = '';
  let credentialPort = 0;
  const seen: Record<string, string | string[] | undefined>[] = [];

  beforeAll(async () => {
    upstream = createServer();
    upstream.on('upgrade', (req, socket) => {
      seen.push(req.headers);
      socket.end(`HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: ${refusal.length}\r\nkeep-alive: timeout=5\r\nx-request-id: req-upstream-1\r\n\r\n${refusal}`);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const started = await startCredentialProxy(
      { AGENTGATE_CREDENTIAL_UPSTREAM: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/v1`, OPENAI_API_KEY: OPENAI_KEY },
      (text) => (output += text),
    );
    proxy = started.child;
    credentialPort = started.credentialPort;
  });
  afterAll(async () => {
    proxy?.kill('SIGKILL');
    await new Promise((resolve) => upstream.close(resolve));
  });

  it("passes the upstream's status, end-to-end headers and body back, and logs that status", async () => {
    const answer = await new Promise<{ status: number | undefined; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${credentialPort}/openai/responses`, { headers: { authorization: `Bearer ${OPENAI_PLACEHOLDER}` } });
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      });
      ws.on('open', () => reject(new Error('the upgrade was taken')));
      ws.on('error', reject);
    });
    expect(answer).toMatchObject({ status: 401, body: refusal, headers: { 'content-type': 'application/json', 'x-request-id': 'req-upstream-1', connection: 'close' } });
    expect(answer.headers['keep-alive']).toBeUndefined();
    // The upstream got the real key, never the placeholder.
    expect(seen.at(-1)?.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    await waitFor(() => parseLogLines(output.split('\n')).some((e) => e.msg === 'credential request' && e.upgrade === true), 'the refused upgrade in the log', 5000, () => output);
    expect(parseLogLines(output.split('\n')).find((e) => e.msg === 'credential request' && e.upgrade === true)).toMatchObject({ status: 401, credential: 'openai-api-key' });
    expect(output).not.toContain(OPENAI_KEY);
  });
});
