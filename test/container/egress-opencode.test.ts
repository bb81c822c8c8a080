import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_IMAGE, ensureAgentsImage } from '../helpers/agents-image.js';
import { screen, submitLine } from '../helpers/agent-tui.js';
import { ROOT, TestContainers, readyz, requireEngine } from '../helpers/containers.js';
import { composeEnv, docker, dockerAsync } from '../helpers/docker.js';
import { MockAnthropic } from '../helpers/mock-anthropic.js';
import { MockGemini } from '../helpers/mock-gemini.js';
import { MockOpenAIResponses } from '../helpers/mock-openai-responses.js';
import { waitFor } from '../helpers/wait-for.js';

// Self-contained, as egress-codex.test.ts is: compose/egress.yaml with OpenCode, one mock per provider it can use.
const reachable = requireEngine();
const made = new TestContainers();
// On every host address: the proxy reaches them at the host's address on the egress network.
const anthropic = new MockAnthropic();
const openai = new MockOpenAIResponses();
const google = new MockGemini();
const project = `agentgate-t${process.pid}-egress-opencode`;
const KEYS = {
  ANTHROPIC_API_KEY: `sk-ant-real-key-${process.pid}-only-the-proxy-holds-it`,
  OPENAI_API_KEY: `sk-openai-real-key-${process.pid}-only-the-proxy-holds-it`,
  GEMINI_API_KEY: `AIza-gemini-real-key-${process.pid}-only-the-proxy-holds-it`,
};
// Copied, not imported: the test checks what compose/egress.yaml and the image do.
const PLACEHOLDERS = {
  ANTHROPIC_API_KEY: 'sk-ant-api03-agentgate-placeholder-the-egress-proxy-holds-the-key',
  OPENAI_API_KEY: 'sk-agentgate-placeholder-the-egress-proxy-holds-the-openai-key',
  GEMINI_API_KEY: 'agentgate-placeholder-the-egress-proxy-holds-the-gemini-key',
};
const base = reachable ? composeEnv(project, { AGENTGATE_IMAGE: AGENTS_IMAGE }, ['compose/egress.yaml']) : {};
const compose = (args: string[], extra: Record<string, string> = {}) => dockerAsync(['compose', ...args], { cwd: ROOT, env: { ...base, ...extra }, timeoutMs: 300_000 });

// What a person sets once in OpenCode's global config: a model of each provider for the mocks, no sharing. No
// API address: the supervisor points each provider whose key the proxy holds at the proxy.
const model = { name: 'Mock model', tool_call: true };
const CONFIG = { autoupdate: false, share: 'disabled', model: 'anthropic/mock-model', provider: Object.fromEntries(['anthropic', 'openai', 'google'].map((id) => [id, { models: { 'mock-model': model } }])) };

beforeAll(async () => {
  if (!reachable) return;
  await Promise.all([anthropic.start('0.0.0.0'), openai.start('0.0.0.0'), google.start('0.0.0.0')]);
  await ensureAgentsImage();
}, 1_600_000);
afterAll(async () => {
  await Promise.all([anthropic.close(), openai.close(), google.close()]);
  made.cleanup();
  if (reachable) await compose(['down', '-v', '-t', '1', '--remove-orphans']);
});

describe.skipIf(!reachable)('compose/egress.yaml with OpenCode: its Anthropic, OpenAI and Gemini keys live in the proxy, never in the agent', () => {
  let agent = '';
  let egress = '';

  it('runs a turn of the real opencode with each provider holding only a placeholder; each mock API sees the real key', async () => {
    const first = await compose(['up', '-d', '--wait', 'egress']);
    expect(first.status, first.stderr).toBe(0);
    const gateway = docker(['network', 'inspect', `${project}_agentgate-outer`, '-f', '{{(index .IPAM.Config 0).Gateway}}']).stdout.trim();
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const common = {
      AGENTGATE_AGENT: 'opencode',
      ...KEYS,
      AGENTGATE_CREDENTIAL_UPSTREAM: `http://${gateway}:${anthropic.port}`,
      AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI: `http://${gateway}:${openai.port}/v1`,
      AGENTGATE_CREDENTIAL_UPSTREAM_GEMINI: `http://${gateway}:${google.port}`,
      AGENTGATE_PROJECT_DIR: made.workspace(),
      // Each provider's turn in a session of its own.
      AGENTGATE_RESUME: 'false',
    };
    const config = Buffer.from(JSON.stringify(CONFIG)).toString('base64');
    const init = await compose(['run', '--rm', '--no-deps', 'state-init',
      `mkdir -p /state/opencode/config/opencode && echo ${config} | base64 -d > /state/opencode/config/opencode/opencode.json && touch /state/.agentgate-volume && chown -R 1000:1000 /state && chmod 0700 /state`], common);
    expect(init.status, init.stderr).toBe(0);

    // Anthropic's turn from the first prompt; OpenAI's and Google's each in an agent made again with that model
    // (`-m`), its line typed once OpenCode is up.
    const turns: Array<[string, string, () => boolean]> = [
      ['', 'hello with a borrowed anthropic key', () => anthropic.conversations().some((texts) => texts.includes('hello with a borrowed anthropic key'))],
      ['-m openai/mock-model', 'hello with a borrowed openai key', () => openai.userTexts().includes('hello with a borrowed openai key')],
      ['-m google/mock-model', 'hello with a borrowed gemini key', () => google.turns().some((texts) => texts.includes('hello with a borrowed gemini key'))],
    ];
    for (const [i, [args, prompt, arrived]] of turns.entries()) {
      const extra: Record<string, string> = { ...common, AGENTGATE_AGENT_ARGS: args, ...(i === 0 ? { AGENTGATE_PROMPT: prompt } : {}) };
      const up = await compose(['up', '-d', '--wait', 'agent'], extra);
      expect(up.status, up.stderr).toBe(0);
      agent = docker(['compose', 'ps', '-q', 'agent'], 30_000, { ...base, ...extra }).stdout.trim();
      egress = docker(['compose', 'ps', '-q', 'egress'], 30_000, { ...base, ...extra }).stdout.trim();
      const seen = () => `${screen(agent)}\nthe proxy's log:\n${docker(['logs', egress]).stdout.slice(-2000)}`;
      if (i > 0) {
        await waitFor(() => readyz(agent).agentState?.state === 'waiting' && screen(agent).includes('Ask anything'), 'OpenCode up', 240_000, seen);
        await submitLine(agent, prompt, arrived);
      }
      await waitFor(arrived, `"${prompt}" at the mock API`, 240_000, seen);
      await waitFor(() => screen(agent).includes('hello from the mock model'), 'the reply on screen', 60_000, seen);
    }
    expect(anthropic.requests.filter((r) => r.method === 'POST').map((r) => r.apiKey).filter((k) => k !== KEYS.ANTHROPIC_API_KEY)).toEqual([]);
    expect(openai.requests.filter((r) => r.method === 'POST').map((r) => r.authorization).filter((a) => a !== `Bearer ${KEYS.OPENAI_API_KEY}`)).toEqual([]);
    expect(google.requests.map((r) => r.googApiKey).filter((k) => k !== KEYS.GEMINI_API_KEY)).toEqual([]);
    // The proxy says which credential it attached, never its value.
    const logs = docker(['logs', egress]);
    for (const kind of ['api-key', 'openai-api-key', 'gemini-api-key']) expect(logs.stdout).toContain(`"credential":"${kind}"`);
    for (const key of Object.values(KEYS)) expect(logs.stdout + logs.stderr).not.toContain(key);
  });

  it('leaves the keys nowhere in the agent: no process environment, no file, not docker inspect, not its logs; the user’s config kept', () => {
    expect(agent, 'the previous test started the agent').not.toBe('');
    const environ = docker(['exec', agent, 'sh', '-c', 'for f in /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; done 2>/dev/null']).stdout;
    for (const [name, placeholder] of Object.entries(PLACEHOLDERS)) expect(environ).toContain(`${name}=${placeholder}`); // opencode's own environment was read
    // Google's SDK in OpenCode reads its own variable: the supervisor gave the placeholder there too.
    expect(environ).toContain(`GOOGLE_GENERATIVE_AI_API_KEY=${PLACEHOLDERS.GEMINI_API_KEY}`);
    const inspect = docker(['inspect', agent]).stdout;
    const logs = docker(['logs', agent]);
    for (const key of Object.values(KEYS)) {
      expect(environ).not.toContain(key);
      expect(docker(['exec', agent, 'grep', '-rlsF', key, '/home/agentgate', '/workspace', '/tmp']).stdout).toBe('');
      expect(inspect).not.toContain(key);
      expect(logs.stdout + logs.stderr).not.toContain(key);
    }
    const config = JSON.parse(docker(['exec', agent, 'cat', '/home/agentgate/.claude/opencode/config/opencode/opencode.json']).stdout);
    expect(config).toMatchObject({ model: 'anthropic/mock-model', share: 'disabled', provider: { anthropic: { models: { 'mock-model': model }, options: { baseURL: 'http://egress:3129/v1' } } } });
    expect(config.provider.openai.options.baseURL).toBe('http://egress:3129/openai');
    expect(config.provider.google.options.baseURL).toBe('http://egress:3129/gemini/v1beta');
  });
});
