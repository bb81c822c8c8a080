import { describe, expect, it } from 'vitest';
import { requireEngine } from '../helpers/containers.js';
import { docker, dockerAsync } from '../helpers/docker.js';
import { EgressComposeStack, FIRST_RUN_STATE, TEST_KEYS, expectKeyNowhereInAgent, expectProxyLogsKindNotValue, screenOf } from '../helpers/egress-stack.js';
import { MockAnthropic } from '../helpers/mock-anthropic.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const api = new MockAnthropic();
const other = new MockAnthropic('hello from another host');
const stack = new EgressComposeStack('egress-secrets', reachable);
const KEY = TEST_KEYS.anthropic;

stack.hooks([api, other]);

describe.skipIf(!reachable)('compose/egress.yaml: the API key lives in the proxy, never in the agent', () => {
  let agent = '';
  let egress = '';

  it('runs a turn of the real claude holding only a placeholder; the mock API sees the real key on each request', async () => {
    const gateway = await stack.startProxy();
    const extra = {
      ANTHROPIC_API_KEY: KEY.value,
      AGENTGATE_CREDENTIAL_UPSTREAM: `http://${gateway}:${api.port}`,
      // Another host the agent may reach: the placeholder it sends there must arrive as just a string.
      AGENTGATE_EGRESS_ALLOW: `${gateway}:${other.port}`,
      AGENTGATE_PROJECT_DIR: stack.made.workspace(),
      AGENTGATE_PROMPT: 'hello with a borrowed key',
    };
    ({ agent, egress } = await stack.startAgent(extra, FIRST_RUN_STATE.claude));
    const screen = () => screenOf(agent);
    await waitFor(() => api.conversations().some((t) => t.includes('hello with a borrowed key')), 'the prompt at the mock API', 90_000, screen);
    await waitFor(() => screen().includes('hello from the mock model'), 'the reply on screen', 30_000, screen);
    expect(api.requests.length).toBeGreaterThan(0);
    expect(api.requests.map((r) => r.apiKey).filter((k) => k !== KEY.value)).toEqual([]);
    expectProxyLogsKindNotValue(egress, KEY);
  });

  it('leaves the key nowhere in the agent: no process environment, no file, not the state volume, not docker inspect, not its logs', async () => {
    expect(agent, 'the previous test started the agent').not.toBe('');
    // Every file the agent can read, the state volume (/home/agentgate/.claude) and the workspace included.
    await expectKeyNowhereInAgent(agent, KEY, ['/']);
    // The search does reach the state: the placeholder's approval is there.
    expect(docker(['exec', agent, 'grep', '-c', KEY.placeholder.slice(-20), '/home/agentgate/.claude/.claude.json']).stdout.trim()).not.toBe('0');
  });

  it('gets nothing useful from sending the placeholder to another listed host', async () => {
    const url = `http://${docker(['exec', egress, 'sh', '-c', 'echo $AGENTGATE_EGRESS_ALLOW']).stdout.trim()}/v1/messages`;
    // Asynchronous: the mock lives in this process, and a blocking spawn would keep it from answering.
    const r = await dockerAsync(['exec', agent, 'curl', '-sS', '-m', '20', '-o', '/dev/null', '-w', '%{http_code}', '-H', `x-api-key: ${KEY.placeholder}`, '-H', 'content-type: application/json', '-d', '{"messages":[]}', url]);
    expect(r.stdout, `${r.stderr}\n${docker(['logs', '--tail', '20', egress]).stdout}`).toBe('200');
    expect(other.requests.map((q) => q.apiKey)).toEqual([KEY.placeholder]);
  });
});
