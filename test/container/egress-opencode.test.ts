import { describe, expect, it } from 'vitest';
import { AGENTS_IMAGE } from '../helpers/agents-image.js';
import { submitLine } from '../helpers/agent-tui.js';
import { readyz, requireEngine } from '../helpers/containers.js';
import { docker } from '../helpers/docker.js';
import { EgressComposeStack, TEST_KEYS, environOf, expectKeyNowhereInAgent, expectProxyLogsKindNotValue, screenOf } from '../helpers/egress-stack.js';
import { MockAnthropic } from '../helpers/mock-anthropic.js';
import { MockChatCompletions } from '../helpers/mock-chat-completions.js';
import { MockGemini } from '../helpers/mock-gemini.js';
import { MockOpenAIResponses } from '../helpers/mock-openai-responses.js';
import { waitFor } from '../helpers/wait-for.js';

// compose/egress.yaml with OpenCode, one mock per provider it can use.
const reachable = requireEngine();
const anthropic = new MockAnthropic();
const openai = new MockOpenAIResponses();
const google = new MockGemini();
const openrouter = new MockChatCompletions();
const zen = new MockChatCompletions();
const stack = new EgressComposeStack('egress-opencode', reachable, AGENTS_IMAGE);
const KEYS = [TEST_KEYS.anthropic, TEST_KEYS.openai, TEST_KEYS.gemini, TEST_KEYS.openrouter, TEST_KEYS.opencode];

stack.hooks([anthropic, openai, google, openrouter, zen], { agentsImage: true });

// What a person sets once in OpenCode's global config: a model of each provider for the mocks, no sharing. No
// API address: the supervisor points each provider whose key the proxy holds at the proxy.
const model = { name: 'Mock model', tool_call: true };
const PROVIDERS = ['anthropic', 'openai', 'google', 'openrouter', 'opencode'];
const CONFIG = { autoupdate: false, share: 'disabled', model: 'anthropic/mock-model', provider: Object.fromEntries(PROVIDERS.map((id) => [id, { models: { 'mock-model': model } }])) };
const STATE = `mkdir -p /state/opencode/config/opencode && echo ${Buffer.from(JSON.stringify(CONFIG)).toString('base64')} | base64 -d > /state/opencode/config/opencode/opencode.json`;

describe.skipIf(!reachable)('compose/egress.yaml with OpenCode: its Anthropic, OpenAI, Gemini, OpenRouter and Zen keys live in the proxy, never in the agent', () => {
  let agent = '';
  let egress = '';

  it('runs a turn of the real opencode with each provider holding only a placeholder; each mock API sees the real key', async () => {
    const gateway = await stack.startProxy();
    const common = {
      AGENTGATE_AGENT: 'opencode',
      ...Object.fromEntries(KEYS.map((k) => [k.variable, k.value])),
      AGENTGATE_CREDENTIAL_UPSTREAM: `http://${gateway}:${anthropic.port}`,
      AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI: `http://${gateway}:${openai.port}/v1`,
      AGENTGATE_CREDENTIAL_UPSTREAM_GEMINI: `http://${gateway}:${google.port}`,
      AGENTGATE_CREDENTIAL_UPSTREAM_OPENROUTER: `http://${gateway}:${openrouter.port}/api/v1`,
      AGENTGATE_CREDENTIAL_UPSTREAM_OPENCODE: `http://${gateway}:${zen.port}/zen`,
      AGENTGATE_PROJECT_DIR: stack.made.workspace(),
      // Each provider's turn in a session of its own.
      AGENTGATE_RESUME: 'false',
    };
    const sawText = (mock: MockChatCompletions, text: string) => () => mock.requests.some((r) => JSON.stringify(r.body.messages ?? []).includes(text));
    // Anthropic's turn from the first prompt; each other's in an agent made again with that model (`-m`), its line
    // typed once OpenCode is up.
    const turns: Array<[string, string, () => boolean]> = [
      ['', 'hello with a borrowed anthropic key', () => anthropic.conversations().some((texts) => texts.includes('hello with a borrowed anthropic key'))],
      ['-m openai/mock-model', 'hello with a borrowed openai key', () => openai.userTexts().includes('hello with a borrowed openai key')],
      ['-m google/mock-model', 'hello with a borrowed gemini key', () => google.turns().some((texts) => texts.includes('hello with a borrowed gemini key'))],
      ['-m openrouter/mock-model', 'hello with a borrowed openrouter key', sawText(openrouter, 'hello with a borrowed openrouter key')],
      ['-m opencode/mock-model', 'hello with a borrowed zen key', sawText(zen, 'hello with a borrowed zen key')],
    ];
    for (const [i, [args, prompt, arrived]] of turns.entries()) {
      const extra = { ...common, AGENTGATE_AGENT_ARGS: args, ...(i === 0 ? { AGENTGATE_PROMPT: prompt } : {}) };
      const started = i === 0 ? await stack.startAgent(extra, STATE) : await stack.upAgent(extra);
      ({ agent, egress } = started);
      const seen = () => `${screenOf(agent)}\nthe proxy's log:\n${docker(['logs', started.egress]).stdout.slice(-2000)}`;
      if (i > 0) {
        await waitFor(() => readyz(agent).agentState?.state === 'waiting' && screenOf(agent).includes('Ask anything'), 'OpenCode up', 240_000, seen);
        await submitLine(agent, prompt, arrived);
      }
      await waitFor(arrived, `"${prompt}" at the mock API`, 240_000, seen);
      await waitFor(() => screenOf(agent).includes('hello from the mock model'), 'the reply on screen', 60_000, seen);
    }
    expect(anthropic.requests.filter((r) => r.method === 'POST').map((r) => r.apiKey).filter((k) => k !== TEST_KEYS.anthropic.value)).toEqual([]);
    expect(openai.requests.filter((r) => r.method === 'POST').map((r) => r.authorization).filter((a) => a !== `Bearer ${TEST_KEYS.openai.value}`)).toEqual([]);
    expect(google.requests.map((r) => r.googApiKey).filter((k) => k !== TEST_KEYS.gemini.value)).toEqual([]);
    expect(openrouter.requests.map((r) => r.authorization).filter((a) => a !== `Bearer ${TEST_KEYS.openrouter.value}`)).toEqual([]);
    expect(zen.requests.map((r) => r.authorization ?? r.apiKey ?? r.googApiKey).filter((a) => a !== `Bearer ${TEST_KEYS.opencode.value}`)).toEqual([]);
    // The proxy says which credential it attached, never its value.
    for (const key of KEYS) expectProxyLogsKindNotValue(egress, key);
  });

  it('leaves the keys nowhere in the agent: no process environment, no file, not docker inspect, not its logs; the user’s config kept', async () => {
    expect(agent, 'the previous test started the agent').not.toBe('');
    for (const key of KEYS) await expectKeyNowhereInAgent(agent, key);
    // Google's SDK in OpenCode reads its own variable: the supervisor gave the placeholder there too.
    expect(await environOf(agent)).toContain(`GOOGLE_GENERATIVE_AI_API_KEY=${TEST_KEYS.gemini.placeholder}`);
    const config = JSON.parse(docker(['exec', agent, 'cat', '/home/agentgate/.claude/opencode/config/opencode/opencode.json']).stdout);
    expect(config).toMatchObject({ model: 'anthropic/mock-model', share: 'disabled', provider: { anthropic: { models: { 'mock-model': model }, options: { baseURL: 'http://egress:3129/v1' } } } });
    expect(config.provider.openai.options.baseURL).toBe('http://egress:3129/openai');
    expect(config.provider.google.options.baseURL).toBe('http://egress:3129/gemini/v1beta');
    expect(config.provider.openrouter.options.baseURL).toBe('http://egress:3129/openrouter');
    expect(config.provider.opencode.options.baseURL).toBe('http://egress:3129/opencode/v1');
  });
});
