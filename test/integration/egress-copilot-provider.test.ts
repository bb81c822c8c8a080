import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLogLines } from '../helpers/log-lines.js';
import { MockChatCompletions } from '../helpers/mock-chat-completions.js';
import { type CredentialProxy, startCredentialProxy } from '../helpers/proxy-process.js';
import { waitFor } from '../helpers/wait-for.js';

// The values the agent holds (copied here, not imported: the test checks the bundle, not the source's constants).
const KEY_PLACEHOLDER = 'agentgate-placeholder-the-egress-proxy-holds-the-copilot-provider-key';
const TOKEN_PLACEHOLDER = 'agentgate-placeholder-the-egress-proxy-holds-the-copilot-provider-token';
const OPENAI_PLACEHOLDER = 'sk-agentgate-placeholder-the-egress-proxy-holds-the-openai-key';
const KEY = `copilot-provider-real-key-only-the-proxy-holds-${process.pid}`;
const TOKEN = `copilot-provider-real-token-only-the-proxy-holds-${process.pid}`;

/**
 * `agentgate proxy` from the real bundle holding Copilot CLI's own-provider key and bearer token: their paths of
 * the credential endpoint lead to the user's provider (a mock here, given as AGENTGATE_CREDENTIAL_UPSTREAM_COPILOT)
 * with the placeholder swapped in each header the pinned CLI sends it in, and nowhere else.
 */
describe("agentgate proxy: Copilot's provider key and token the agent never holds", () => {
  const provider = new MockChatCompletions('hello from the provider');
  const claude = new MockChatCompletions('hello from the default upstream');
  const openai = new MockChatCompletions('hello from the openai upstream');
  let proxy: CredentialProxy;
  let output = '';
  const events = (msg: string) => parseLogLines(output.split('\n')).filter((entry) => entry.msg === msg);
  const post = (path: string, headers: Record<string, string>, port = proxy.credentialPort) =>
    fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: 'mock', messages: [{ role: 'user', content: 'hello' }] }) });

  beforeAll(async () => {
    for (const mock of [provider, claude, openai]) await mock.start();
    proxy = await startCredentialProxy(
      {
        AGENTGATE_CREDENTIAL_UPSTREAM: `http://127.0.0.1:${claude.port}`,
        AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI: `http://127.0.0.1:${openai.port}/v1`,
        AGENTGATE_CREDENTIAL_UPSTREAM_COPILOT: `http://127.0.0.1:${provider.port}/v1`,
        COPILOT_PROVIDER_API_KEY: KEY,
        COPILOT_PROVIDER_BEARER_TOKEN: TOKEN,
      },
      (d) => (output += d),
    );
  });
  afterAll(async () => {
    proxy?.child.kill('SIGKILL');
    for (const mock of [provider, claude, openai]) await mock.close();
  });

  it('sends /copilot-provider/ to the provider with the real key as the bearer token (the default, openai type)', async () => {
    const res = await post('/copilot-provider/chat/completions', { authorization: `Bearer ${KEY_PLACEHOLDER}` });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('hello from the provider');
    expect(provider.requests.at(-1)).toMatchObject({ path: '/v1/chat/completions', authorization: `Bearer ${KEY}` });
    await waitFor(() => events('credential request').length > 0, 'the request in the log', 5000, () => output);
    expect(events('credential request').at(-1)).toMatchObject({ method: 'POST', status: 200, credential: 'copilot-provider-api-key', upstream: `127.0.0.1:${provider.port}` });
  });

  it('swaps the key in x-api-key (anthropic type) and api-key (azure type) too', async () => {
    await post('/copilot-provider/v1/messages', { 'x-api-key': KEY_PLACEHOLDER });
    expect(provider.requests.at(-1)).toMatchObject({ path: '/v1/v1/messages', apiKey: KEY, authorization: undefined });
    await post('/copilot-provider/openai/v1/chat/completions', { 'api-key': KEY_PLACEHOLDER });
    expect(provider.requests.at(-1)).toMatchObject({ path: '/v1/openai/v1/chat/completions', azureApiKey: KEY });
  });

  it('sends /copilot-provider-token/ to the same provider with the real bearer token', async () => {
    await post('/copilot-provider-token/chat/completions', { authorization: `Bearer ${TOKEN_PLACEHOLDER}` });
    expect(provider.requests.at(-1)).toMatchObject({ path: '/v1/chat/completions', authorization: `Bearer ${TOKEN}` });
    await waitFor(() => events('credential request').some((e) => e.credential === 'copilot-provider-bearer-token'), 'the token request in the log', 5000, () => output);
  });

  it('puts each in on its own path only: elsewhere, or the other one on its path, stays a placeholder', async () => {
    await post('/copilot-provider/chat/completions', { authorization: `Bearer ${TOKEN_PLACEHOLDER}` });
    expect(provider.requests.at(-1)).toMatchObject({ authorization: `Bearer ${TOKEN_PLACEHOLDER}` });
    await post('/copilot-provider-token/chat/completions', { authorization: `Bearer ${KEY_PLACEHOLDER}`, 'x-api-key': KEY_PLACEHOLDER });
    expect(provider.requests.at(-1)).toMatchObject({ authorization: `Bearer ${KEY_PLACEHOLDER}`, apiKey: KEY_PLACEHOLDER });
    await post('/openai/chat/completions', { authorization: `Bearer ${KEY_PLACEHOLDER}` });
    expect(openai.requests.at(-1)).toMatchObject({ path: '/v1/chat/completions', authorization: `Bearer ${KEY_PLACEHOLDER}` });
    await post('/v1/chat/completions', { authorization: `Bearer ${TOKEN_PLACEHOLDER}`, 'x-api-key': KEY_PLACEHOLDER });
    expect(claude.requests.at(-1)).toMatchObject({ authorization: `Bearer ${TOKEN_PLACEHOLDER}`, apiKey: KEY_PLACEHOLDER });
    // Another agent's placeholder on Copilot's path is a string there too.
    await post('/copilot-provider/chat/completions', { authorization: `Bearer ${OPENAI_PLACEHOLDER}` });
    expect(provider.requests.at(-1)).toMatchObject({ authorization: `Bearer ${OPENAI_PLACEHOLDER}` });
  });

  it('names what it holds in its health and never writes the values', async () => {
    const body = (await (await fetch(`http://127.0.0.1:${proxy.healthPort}/readyz`)).json()) as { credentials: { held: string[] } };
    expect(body.credentials.held).toEqual(['copilot-provider-api-key', 'copilot-provider-bearer-token']);
    expect(output).not.toContain(KEY);
    expect(output).not.toContain(TOKEN);
  });

  it('with the key but no upstream, warns at start and answers 401 naming the variable, sending nothing', async () => {
    let own = '';
    const bare = await startCredentialProxy({ AGENTGATE_CREDENTIAL_UPSTREAM: `http://127.0.0.1:${claude.port}`, COPILOT_PROVIDER_API_KEY: KEY }, (d) => (own += d));
    try {
      const before = provider.requests.length + claude.requests.length;
      const res = await post('/copilot-provider/chat/completions', { authorization: `Bearer ${KEY_PLACEHOLDER}` }, bare.credentialPort);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('AGENTGATE_CREDENTIAL_UPSTREAM_COPILOT');
      expect(provider.requests.length + claude.requests.length).toBe(before);
      const lines = parseLogLines(own.split('\n'));
      expect(lines.find((l) => l.msg === 'credential upstream missing')).toMatchObject({ level: 'warn', variable: 'COPILOT_PROVIDER_API_KEY' });
      expect(own).not.toContain(KEY);
    } finally {
      bare.child.kill('SIGKILL');
    }
  });
});
