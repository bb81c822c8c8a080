import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLogLines } from '../helpers/log-lines.js';
import { MockAnthropic } from '../helpers/mock-anthropic.js';
import { type CredentialProxy, startCredentialProxy } from '../helpers/proxy-process.js';
import { BUNDLE } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

// The values the agent holds (copied here, not imported: the test checks the bundle, not the source's constant).
const API_KEY_PLACEHOLDER = 'sk-ant-api03-agentgate-placeholder-the-egress-proxy-holds-the-key';
const OAUTH_TOKEN_PLACEHOLDER = 'sk-ant-oat01-agentgate-placeholder-the-egress-proxy-holds-the-token';
const REAL_KEY = `sk-ant-real-key-only-the-proxy-holds-${process.pid}`;

/**
 * `agentgate proxy` from the real bundle holding the real API key: its credential endpoint forwards to a mock
 * API (the configured upstream) with the placeholder swapped, and the placeholder sent through the allowlisting
 * proxy to another listed host arrives there as itself.
 */
describe('agentgate proxy: credentials the agent never holds', () => {
  const api = new MockAnthropic();
  const other = new MockAnthropic('hello from another host');
  let proxy: CredentialProxy;
  let output = '';
  const events = (msg: string) => parseLogLines(output.split('\n')).filter((entry) => entry.msg === msg);
  const ask = (headers: Record<string, string>) =>
    fetch(`http://127.0.0.1:${proxy.credentialPort}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ model: 'claude-mock', stream: true, messages: [{ role: 'user', content: 'hello through the credential endpoint' }] }),
    });

  beforeAll(async () => {
    await api.start();
    await other.start();
    proxy = await startCredentialProxy(
      { AGENTGATE_CREDENTIAL_UPSTREAM: `http://127.0.0.1:${api.port}`, AGENTGATE_EGRESS_ALLOW: `127.0.0.1:${other.port}`, ANTHROPIC_API_KEY: REAL_KEY },
      (d) => (output += d),
    );
  });
  afterAll(() => {
    proxy?.child.kill('SIGKILL');
    api.stop();
    other.stop();
  });

  it('forwards to the API with the real key in place of the placeholder, the answer streamed back', async () => {
    const res = await ask({ 'x-api-key': API_KEY_PLACEHOLDER, 'anthropic-version': '2023-06-01' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toContain('hello from the mock model');
    const seen = api.requests.at(-1);
    expect(seen?.apiKey).toBe(REAL_KEY);
    expect(seen?.path).toBe('/v1/messages');
    expect(api.conversations().at(-1)).toEqual(['hello through the credential endpoint']);
    await waitFor(() => events('credential request').length > 0, 'the request in the log', 5000, () => output);
    const line = events('credential request').at(-1);
    expect(line).toMatchObject({ method: 'POST', status: 200, credential: 'api-key', upstream: `127.0.0.1:${api.port}` });
    expect(line?.bytesDown).toBeGreaterThan(0);
  });

  it('passes a key of the agent’s own untouched, and refuses a placeholder it holds no credential for', async () => {
    const own = await ask({ 'x-api-key': 'sk-ant-the-agents-own-key' });
    expect(own.status).toBe(200);
    expect(api.requests.at(-1)?.apiKey).toBe('sk-ant-the-agents-own-key');
    const before = api.requests.length;
    const oauth = await ask({ authorization: `Bearer ${OAUTH_TOKEN_PLACEHOLDER}` });
    expect(oauth.status).toBe(401);
    expect(await oauth.text()).toContain('CLAUDE_CODE_OAUTH_TOKEN');
    expect(api.requests.length).toBe(before);
  });

  it('sends the placeholder to another listed host as itself: the real key goes to the upstream only', async () => {
    const r = await new Promise<{ stdout: string }>((resolve) => {
      const child = spawn('curl', ['-sS', '-m', '5', '-o', '-', '-w', '\n%{http_code}', '-x', `http://127.0.0.1:${proxy.proxyPort}`, '-H', `x-api-key: ${API_KEY_PLACEHOLDER}`,
        '-H', 'content-type: application/json', '-d', '{"model":"m","messages":[{"role":"user","content":"hi"}]}', `http://127.0.0.1:${other.port}/v1/messages`], { env: { PATH: process.env.PATH } });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('close', () => resolve({ stdout }));
    });
    expect(r.stdout.endsWith('200')).toBe(true);
    expect(other.requests.map((q) => q.apiKey)).toEqual([API_KEY_PLACEHOLDER]);
  });

  it('logs each allowed connection when it ends (host, port, bytes, duration) and ranks the last hour’s hosts in its health', async () => {
    await waitFor(() => events('egress connection').length > 0, 'the connection in the log', 5000, () => output);
    const line = events('egress connection').at(-1);
    expect(line).toMatchObject({ host: '127.0.0.1', port: other.port, method: 'POST', credential: 'none' });
    expect(line?.bytesIn).toBeGreaterThan(0);
    expect(line?.bytesOut).toBeGreaterThan(0);
    expect(line?.durationMs).toBeGreaterThanOrEqual(0);
    const body = (await (await fetch(`http://127.0.0.1:${proxy.healthPort}/readyz`)).json()) as { topHostsLastHour: Array<{ host: string; connections: number; bytesOut: number; bytesIn: number }> };
    // The credential endpoint's two forwarded requests (the refused one is not a connection), the other host's one.
    expect(body.topHostsLastHour).toMatchObject([{ host: '127.0.0.1', connections: 3 }]);
    // Bytes each way: the connection's as logged, plus the credential endpoint's requests and answers.
    const top = body.topHostsLastHour[0];
    expect(top?.bytesOut).toBeGreaterThan(line?.bytesOut as number);
    expect(top?.bytesIn).toBeGreaterThan(line?.bytesIn as number);
  });

  it('shows the last hour’s top hosts in `agentgate status` in its container, and `agentgate health` says healthy', async () => {
    const tmuxTmpDir = mkdtempSync(join(tmpdir(), 'agentgate-proxy-status-'));
    const client = (command: string) =>
      new Promise<{ code: number | null; stdout: string }>((resolve) => {
        const child = spawn(process.execPath, [BUNDLE, command], { env: { PATH: process.env.PATH, TMUX_TMPDIR: tmuxTmpDir, AGENTGATE_HEALTH_PORT: String(proxy.healthPort) } });
        let stdout = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.on('close', (code) => resolve({ code, stdout }));
      });
    const status = await client('status');
    const health = await client('health');
    rmSync(tmuxTmpDir, { recursive: true, force: true });
    expect(health).toEqual({ code: 0, stdout: 'healthy: egress proxy with 1 allowlist entry, 1 allowed, 0 denied\n' });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('agentgate egress proxy: healthy');
    expect(status.stdout).toContain('API credential: api-key');
    expect(status.stdout).toMatch(/top hosts, last hour:\n {4}127\.0\.0\.1 +3 conn +[\d.]+ (B|KiB) out +[\d.]+ (B|KiB) in/);
  });

  it('names the credential it holds in its health and never writes its value', async () => {
    const body = (await (await fetch(`http://127.0.0.1:${proxy.healthPort}/readyz`)).json()) as { credentials: { held: string[]; forwarded: number } };
    expect(body.credentials.held).toEqual(['api-key']);
    expect(body.credentials.forwarded).toBeGreaterThanOrEqual(2);
    expect(output).not.toContain(REAL_KEY);
  });
});
