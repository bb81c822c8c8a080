import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLogLines } from '../helpers/log-lines.js';
import { MockChatCompletions } from '../helpers/mock-chat-completions.js';
import { MockGemini } from '../helpers/mock-gemini.js';
import { type CredentialProxy, startCredentialProxy } from '../helpers/proxy-process.js';
import { waitFor } from '../helpers/wait-for.js';

// The values the agent holds (copied here, not imported: the test checks the bundle, not the source's constants).
const PLACEHOLDER = {
  openrouter: 'sk-or-agentgate-placeholder-the-egress-proxy-holds-the-openrouter-key',
  opencode: 'sk-agentgate-placeholder-the-egress-proxy-holds-the-opencode-key',
  google: 'agentgate-placeholder-the-egress-proxy-holds-the-google-key',
  gemini: 'agentgate-placeholder-the-egress-proxy-holds-the-gemini-key',
};
const KEY = {
  openrouter: `sk-or-real-key-only-the-proxy-holds-${process.pid}`,
  opencode: `sk-zen-real-key-only-the-proxy-holds-${process.pid}`,
  google: `AIza-google-real-key-only-the-proxy-holds-${process.pid}`,
};

/**
 * `agentgate proxy` from the real bundle holding OpenCode's other keys: OPENROUTER_API_KEY on /openrouter/,
 * OPENCODE_API_KEY on /opencode/ (in whichever header a Zen model's SDK puts it), GOOGLE_API_KEY on /google/; each
 * path leads to its own upstream (mocks here) with its own placeholder swapped, and nowhere else.
 */
describe('agentgate proxy: OpenCode’s OpenRouter, Zen and Google keys the agent never holds', () => {
  const openrouter = new MockChatCompletions('hello from openrouter');
  const zen = new MockChatCompletions('hello from zen');
  const google = new MockGemini();
  const claude = new MockChatCompletions('hello from the default upstream');
  let proxy: CredentialProxy;
  let output = '';
  const events = (msg: string) => parseLogLines(output.split('\n')).filter((entry) => entry.msg === msg);
  const post = (path: string, headers: Record<string, string>) =>
    fetch(`http://127.0.0.1:${proxy.credentialPort}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: 'mock', stream: false, messages: [{ role: 'user', content: 'hello' }], contents: [{ role: 'user', parts: [{ text: 'hello' }] }] }) });

  beforeAll(async () => {
    for (const mock of [openrouter, zen, google, claude]) await mock.start();
    proxy = await startCredentialProxy(
      {
        AGENTGATE_CREDENTIAL_UPSTREAM: `http://127.0.0.1:${claude.port}`,
        AGENTGATE_CREDENTIAL_UPSTREAM_OPENROUTER: `http://127.0.0.1:${openrouter.port}/api/v1`,
        AGENTGATE_CREDENTIAL_UPSTREAM_OPENCODE: `http://127.0.0.1:${zen.port}/zen`,
        AGENTGATE_CREDENTIAL_UPSTREAM_GEMINI: `http://127.0.0.1:${google.port}`,
        OPENROUTER_API_KEY: KEY.openrouter,
        OPENCODE_API_KEY: KEY.opencode,
        GOOGLE_API_KEY: KEY.google,
      },
      (d) => (output += d),
    );
  });
  afterAll(async () => {
    proxy?.child.kill('SIGKILL');
    for (const mock of [openrouter, zen, google, claude]) await mock.close();
  });

  it('sends /openrouter/ to the OpenRouter upstream with the real key as the bearer token', async () => {
    const res = await post('/openrouter/chat/completions', { authorization: `Bearer ${PLACEHOLDER.openrouter}` });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('hello from openrouter');
    expect(openrouter.requests.at(-1)).toMatchObject({ path: '/api/v1/chat/completions', authorization: `Bearer ${KEY.openrouter}` });
    await waitFor(() => events('credential request').some((e) => e.credential === 'openrouter-api-key'), 'the request in the log', 5000, () => output);
  });

  it('sends /opencode/ to Zen with the real key in the header each SDK uses: bearer, x-api-key, x-goog-api-key', async () => {
    expect((await post('/opencode/v1/chat/completions', { authorization: `Bearer ${PLACEHOLDER.opencode}` })).status).toBe(200);
    expect(zen.requests.at(-1)).toMatchObject({ path: '/zen/v1/chat/completions', authorization: `Bearer ${KEY.opencode}` });
    await post('/opencode/v1/messages', { 'x-api-key': PLACEHOLDER.opencode });
    expect(zen.requests.at(-1)).toMatchObject({ path: '/zen/v1/messages', apiKey: KEY.opencode, authorization: undefined });
    await post('/opencode/v1/models/gemini-x:streamGenerateContent?alt=sse', { 'x-goog-api-key': PLACEHOLDER.opencode });
    expect(zen.requests.at(-1)).toMatchObject({ path: '/zen/v1/models/gemini-x:streamGenerateContent?alt=sse', googApiKey: KEY.opencode });
    // OpenCode Go: the same key, under /zen/go/v1.
    await post('/opencode/go/v1/chat/completions', { authorization: `Bearer ${PLACEHOLDER.opencode}` });
    expect(zen.requests.at(-1)).toMatchObject({ path: '/zen/go/v1/chat/completions', authorization: `Bearer ${KEY.opencode}` });
  });

  it('sends /google/ to Google’s API with GOOGLE_API_KEY in x-goog-api-key', async () => {
    const res = await post('/google/v1beta/models/mock:streamGenerateContent?alt=sse', { 'x-goog-api-key': PLACEHOLDER.google });
    expect(res.status).toBe(200);
    expect(google.requests.at(-1)).toMatchObject({ path: '/v1beta/models/mock:streamGenerateContent?alt=sse', googApiKey: KEY.google });
  });

  it('puts each key in for its own path only: a placeholder on another path stays a placeholder', async () => {
    await post('/openrouter/chat/completions', { 'x-api-key': PLACEHOLDER.opencode, 'x-goog-api-key': PLACEHOLDER.google });
    expect(openrouter.requests.at(-1)).toMatchObject({ apiKey: PLACEHOLDER.opencode, googApiKey: PLACEHOLDER.google, authorization: undefined });
    await post('/opencode/v1/chat/completions', { authorization: `Bearer ${PLACEHOLDER.openrouter}` });
    expect(zen.requests.at(-1)).toMatchObject({ authorization: `Bearer ${PLACEHOLDER.openrouter}` });
    await post('/v1/chat/completions', { authorization: `Bearer ${PLACEHOLDER.opencode}`, 'x-goog-api-key': PLACEHOLDER.google });
    expect(claude.requests.at(-1)).toMatchObject({ path: '/v1/chat/completions', authorization: `Bearer ${PLACEHOLDER.opencode}`, googApiKey: PLACEHOLDER.google });
    // The Gemini path has its own placeholder, which this proxy holds no key for: Google's key does not go there.
    const gemini = await post('/gemini/v1beta/models/mock:generateContent', { 'x-goog-api-key': PLACEHOLDER.gemini });
    expect(gemini.status).toBe(401);
    expect(await gemini.text()).toContain('GEMINI_API_KEY');
    await post('/gemini/v1beta/models/mock:generateContent', { 'x-goog-api-key': PLACEHOLDER.google });
    expect(google.requests.at(-1)).toMatchObject({ googApiKey: PLACEHOLDER.google });
  });

  it('names the keys it holds in its health and never writes their values', async () => {
    const body = (await (await fetch(`http://127.0.0.1:${proxy.healthPort}/readyz`)).json()) as { credentials: { held: string[] } };
    expect(body.credentials.held).toEqual(['google-api-key', 'openrouter-api-key', 'opencode-api-key']);
    for (const key of Object.values(KEY)) expect(output).not.toContain(key);
  });
});
