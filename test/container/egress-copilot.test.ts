import { describe, expect, it } from 'vitest';
import { submitLine } from '../helpers/agent-tui.js';
import { AGENTS_IMAGE } from '../helpers/agents-image.js';
import { requireEngine } from '../helpers/containers.js';
import { inspect } from '../helpers/docker.js';
import { EgressComposeStack, FIRST_RUN_STATE, TEST_KEYS, expectKeyNowhereInAgent, expectProxyLogsKindNotValue, screenOf } from '../helpers/egress-stack.js';
import { MockChatCompletions } from '../helpers/mock-chat-completions.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const provider = new MockChatCompletions();
const stack = new EgressComposeStack('egress-copilot', reachable, AGENTS_IMAGE);
const KEY = TEST_KEYS.copilot;
const TOKEN = TEST_KEYS.copilotToken;

stack.hooks([provider], { agentsImage: true });

describe.skipIf(!reachable)("compose/egress.yaml with Copilot CLI: its own provider's key and bearer token live in the proxy, never in the agent", () => {
  let agent = '';
  let egress = '';

  it('runs a turn of the real copilot holding only placeholders; the provider sees the real bearer token (which wins over the key) on each request', async () => {
    const gateway = await stack.startProxy();
    const baseUrl = `http://${gateway}:${provider.port}/v1`;
    const extra = {
      AGENTGATE_AGENT: 'copilot',
      // compose.yaml passes no COPILOT_* to the agent: the model by its command line.
      AGENTGATE_AGENT_ARGS: '--model mock-model',
      COPILOT_PROVIDER_API_KEY: KEY.value,
      COPILOT_PROVIDER_BEARER_TOKEN: TOKEN.value,
      // In the shell, as a person sets it: compose gives it to the proxy as its upstream, not to the agent.
      COPILOT_PROVIDER_BASE_URL: baseUrl,
      AGENTGATE_PROJECT_DIR: stack.made.workspace(),
    };
    const started = await stack.startAgent(extra, FIRST_RUN_STATE.copilot);
    ({ agent, egress } = started);
    const screen = () => screenOf(agent);
    const prompt = 'hello with a borrowed copilot provider token';
    const reached = () => provider.turns().some((texts) => texts.some((t) => t.includes(prompt)));
    await waitFor(() => screen().includes('/ commands'), 'its input', 120_000, screen);
    await submitLine(agent, prompt, reached);
    await waitFor(() => screen().includes('hello from the mock model'), 'the reply on screen', 60_000, screen);
    const seen = provider.requests.filter((r) => r.method === 'POST').map((r) => r.authorization);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((a) => a !== `Bearer ${TOKEN.value}`)).toEqual([]);
    expect(inspect(egress, '{{json .Config.Env}}')).toContain(`AGENTGATE_CREDENTIAL_UPSTREAM_COPILOT=${baseUrl}"`);
    expectProxyLogsKindNotValue(egress, TOKEN);
  });

  it('leaves neither in the agent: no process environment, no file, not docker inspect, not its logs', async () => {
    expect(agent, 'the previous test started the agent').not.toBe('');
    await expectKeyNowhereInAgent(agent, TOKEN);
    await expectKeyNowhereInAgent(agent, KEY);
  });
});
