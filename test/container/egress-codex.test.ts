import { describe, expect, it } from 'vitest';
import { AGENTS_IMAGE } from '../helpers/agents-image.js';
import { requireEngine } from '../helpers/containers.js';
import { docker } from '../helpers/docker.js';
import { EgressComposeStack, FIRST_RUN_STATE, TEST_KEYS, expectKeyNowhereInAgent, expectProxyLogsKindNotValue, screenOf } from '../helpers/egress-stack.js';
import { MockOpenAIResponses } from '../helpers/mock-openai-responses.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const api = new MockOpenAIResponses();
// Codex opens the Responses API as a WebSocket first: the proxy's credential endpoint carries it.
api.acceptWebSocket = true;
const stack = new EgressComposeStack('egress-codex', reachable, AGENTS_IMAGE);
const KEY = TEST_KEYS.openai;

stack.hooks([api], { agentsImage: true });

describe.skipIf(!reachable)('compose/egress.yaml with Codex CLI: OPENAI_API_KEY lives in the proxy, never in the agent', () => {
  let agent = '';

  it('runs a turn of the real codex holding only a placeholder; the mock API sees the real key on each request', async () => {
    const gateway = await stack.startProxy();
    const extra = {
      AGENTGATE_AGENT: 'codex',
      OPENAI_API_KEY: KEY.value,
      AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI: `http://${gateway}:${api.port}/v1`,
      AGENTGATE_PROJECT_DIR: stack.made.workspace(),
      AGENTGATE_PROMPT: 'hello with a borrowed openai key',
    };
    const started = await stack.startAgent(extra, FIRST_RUN_STATE.codex);
    agent = started.agent;
    const screen = () => screenOf(agent);
    await waitFor(() => api.userTexts().includes('hello with a borrowed openai key'), 'the prompt at the mock API', 120_000, screen);
    await waitFor(() => screen().includes('hello from the mock model'), 'the reply on screen', 60_000, screen);
    // The turn came over the WebSocket through the proxy (not the HTTPS fallback), with the real key like every request.
    expect(api.requests.filter((r) => r.transport === 'websocket').flatMap((r) => api.userTextsOf(r))).toContain('hello with a borrowed openai key');
    expect(api.requests.map((r) => r.authorization).filter((a) => a !== `Bearer ${KEY.value}`)).toEqual([]);
    expectProxyLogsKindNotValue(started.egress, KEY);
  });

  it('leaves the key nowhere in the agent: no process environment, not its login file, not docker inspect, not its logs', async () => {
    expect(agent, 'the previous test started the agent').not.toBe('');
    await expectKeyNowhereInAgent(agent, KEY);
    expect(docker(['exec', agent, 'cat', '/home/agentgate/.claude/codex/auth.json']).stdout).toContain(KEY.placeholder);
  });
});
