import { describe, expect, it } from 'vitest';
import { AGENTS_IMAGE } from '../helpers/agents-image.js';
import { requireEngine } from '../helpers/containers.js';
import { EgressComposeStack, FIRST_RUN_STATE, TEST_KEYS, expectKeyNowhereInAgent, expectProxyLogsKindNotValue, screenOf } from '../helpers/egress-stack.js';
import { MockGemini } from '../helpers/mock-gemini.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const api = new MockGemini();
const stack = new EgressComposeStack('egress-gemini', reachable, AGENTS_IMAGE);
const KEY = TEST_KEYS.gemini;

stack.hooks([api], { agentsImage: true });

describe.skipIf(!reachable)('compose/egress.yaml with Gemini CLI: GEMINI_API_KEY lives in the proxy, never in the agent', () => {
  let agent = '';

  it('runs a turn of the real gemini holding only a placeholder, its auth method chosen by the supervisor; the mock sees the real key', async () => {
    const gateway = await stack.startProxy();
    const extra = {
      AGENTGATE_AGENT: 'gemini',
      AGENTGATE_AGENT_ARGS: '-m gemini-2.5-flash',
      GEMINI_API_KEY: KEY.value,
      AGENTGATE_CREDENTIAL_UPSTREAM_GEMINI: `http://${gateway}:${api.port}`,
      AGENTGATE_PROJECT_DIR: stack.made.workspace(),
      AGENTGATE_PROMPT: 'hello with a borrowed gemini key',
    };
    const started = await stack.startAgent(extra, FIRST_RUN_STATE.gemini);
    agent = started.agent;
    const screen = () => screenOf(agent);
    await waitFor(() => api.turns().some((texts) => texts.includes('hello with a borrowed gemini key')), 'the prompt at the mock API', 120_000, screen);
    await waitFor(() => screen().includes('hello from the mock model'), 'the reply on screen', 60_000, screen);
    expect(api.requests.map((r) => r.googApiKey).filter((k) => k !== KEY.value)).toEqual([]);
    expectProxyLogsKindNotValue(started.egress, KEY);
  });

  it('leaves the key nowhere in the agent: no process environment, not its home, not docker inspect, not its logs', async () => {
    expect(agent, 'the previous test started the agent').not.toBe('');
    await expectKeyNowhereInAgent(agent, KEY);
  });
});
