import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLogLines } from '../helpers/log-lines.js';
import { MockGemini } from '../helpers/mock-gemini.js';
import { MockOpenAIResponses } from '../helpers/mock-openai-responses.js';
import { type CredentialProxy, startCredentialProxy } from '../helpers/proxy-process.js';
import { waitFor } from '../helpers/wait-for.js';

// The values the agent holds (copied here, not imported: the test checks the bundle, not the source's constants).
const OPENAI_PLACEHOLDER = 'sk-agentgate-placeholder-the-egress-proxy-holds-the-openai-key';
const GEMINI_PLACEHOLDER = 'agentgate-placeholder-the-egress-proxy-holds-the-gemini-key';
const OPENAI_KEY = `sk-openai-real-key-only-the-proxy-holds-${process.pid}`;
const GEMINI_KEY = `AIza-gemini-real-key-only-the-proxy-holds-${process.pid}`;

/**
 * `agentgate proxy` from the real bundle holding Codex's and Gemini CLI's keys: each path of its credential
 * endpoint leads to its own upstream (mocks here) with its own placeholder swapped, and nowhere else.
 */
describe('agentgate proxy: the OpenAI and Gemini keys the agent never holds', () => {
  const openai = new MockOpenAIResponses();
  const gemini = new MockGemini();
  const claude = new MockOpenAIResponses('hello from the default upstream');
  const other = new MockOpenAIResponses('hello from another host');
  let proxy: CredentialProxy;
  let output = '';
  const events = (msg: string) => parseLogLines(output.split('\n')).filter((entry) => entry.msg === msg);
  const post = (path: string, headers: Record<string, string>) =>
    fetch(`http://127.0.0.1:${proxy.credentialPort}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: 'mock', input: 'hello', contents: [{ role: 'user', parts: [{ text: 'hello' }] }] }) });

  beforeAll(async () => {
    for (const mock of [openai, gemini, claude, other]) await mock.start();
    proxy = await startCredentialProxy(
      {
        AGENTGATE_CREDENTIAL_UPSTREAM: `http://127.0.0.1:${claude.port}`,
        AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI: `http://127.0.0.1:${openai.port}/v1`,
        AGENTGATE_CREDENTIAL_UPSTREAM_GEMINI: `http://127.0.0.1:${gemini.port}`,
        AGENTGATE_EGRESS_ALLOW: `127.0.0.1:${other.port}`,
        OPENAI_API_KEY: OPENAI_KEY,
        GEMINI_API_KEY: GEMINI_KEY,
      },
      (d) => (output += d),
    );
  });
  afterAll(async () => {
    proxy?.child.kill('SIGKILL');
    for (const mock of [openai, gemini, claude, other]) await mock.close();
  });

  it('sends /openai/ to the OpenAI upstream with the real key as the bearer token, the answer streamed back', async () => {
    const res = await post('/openai/responses', { authorization: `Bearer ${OPENAI_PLACEHOLDER}` });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('hello from the mock model');
    expect(openai.requests.at(-1)).toMatchObject({ path: '/v1/responses', authorization: `Bearer ${OPENAI_KEY}` });
    await waitFor(() => events('credential request').length > 0, 'the request in the log', 5000, () => output);
    expect(events('credential request').at(-1)).toMatchObject({ method: 'POST', status: 200, credential: 'openai-api-key', upstream: `127.0.0.1:${openai.port}` });
  });

  it('sends /gemini/ to the Gemini upstream with the real key in x-goog-api-key, the query kept', async () => {
    const res = await post('/gemini/v1beta/models/mock:streamGenerateContent?alt=sse', { 'x-goog-api-key': GEMINI_PLACEHOLDER });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('hello from the mock model');
    expect(gemini.requests.at(-1)).toMatchObject({ path: '/v1beta/models/mock:streamGenerateContent?alt=sse', googApiKey: GEMINI_KEY });
  });

  it('puts each key in for its own path only: a placeholder on another path, or the default one, stays a placeholder', async () => {
    await post('/gemini/v1beta/models/mock:generateContent', { authorization: `Bearer ${OPENAI_PLACEHOLDER}` });
    expect(gemini.requests.at(-1)).toMatchObject({ authorization: `Bearer ${OPENAI_PLACEHOLDER}`, googApiKey: undefined });
    await post('/openai/responses', { 'x-goog-api-key': GEMINI_PLACEHOLDER });
    expect(openai.requests.at(-1)).toMatchObject({ authorization: undefined, googApiKey: GEMINI_PLACEHOLDER });
    await post('/v1/responses', { authorization: `Bearer ${OPENAI_PLACEHOLDER}`, 'x-goog-api-key': GEMINI_PLACEHOLDER });
    expect(claude.requests.at(-1)).toMatchObject({ path: '/v1/responses', authorization: `Bearer ${OPENAI_PLACEHOLDER}`, googApiKey: GEMINI_PLACEHOLDER });
    // A path that only starts like one (/openaix) is the default upstream's too.
    await post('/openaix/responses', { authorization: `Bearer ${OPENAI_PLACEHOLDER}` });
    expect(claude.requests.at(-1)).toMatchObject({ path: '/openaix/responses', authorization: `Bearer ${OPENAI_PLACEHOLDER}` });
  });

  it('sends the placeholders through the allowlisting proxy to another listed host as themselves', async () => {
    const r = await new Promise<{ stdout: string }>((resolve) => {
      const child = spawn('curl', ['-sS', '-m', '5', '-o', '-', '-w', '\n%{http_code}', '-x', `http://127.0.0.1:${proxy.proxyPort}`, '-H', `authorization: Bearer ${OPENAI_PLACEHOLDER}`,
        '-H', `x-goog-api-key: ${GEMINI_PLACEHOLDER}`, '-H', 'content-type: application/json', '-d', '{"model":"m","input":"hi"}', `http://127.0.0.1:${other.port}/v1/responses`], { env: { PATH: process.env.PATH } });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('close', () => resolve({ stdout }));
    });
    expect(r.stdout.endsWith('200')).toBe(true);
    expect(other.requests.map((q) => [q.authorization, q.googApiKey])).toEqual([[`Bearer ${OPENAI_PLACEHOLDER}`, GEMINI_PLACEHOLDER]]);
  });

  it('names the keys it holds in its health and never writes their values', async () => {
    const body = (await (await fetch(`http://127.0.0.1:${proxy.healthPort}/readyz`)).json()) as { credentials: { held: string[] } };
    expect(body.credentials.held).toEqual(['openai-api-key', 'gemini-api-key']);
    expect(output).not.toContain(OPENAI_KEY);
    expect(output).not.toContain(GEMINI_KEY);
  });
});
