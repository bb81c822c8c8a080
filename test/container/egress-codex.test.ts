import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_IMAGE, ensureAgentsImage } from '../helpers/agents-image.js';
import { ROOT, TestContainers, requireEngine } from '../helpers/containers.js';
import { composeEnv, docker, dockerAsync } from '../helpers/docker.js';
import { MockOpenAIResponses } from '../helpers/mock-openai-responses.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
// On every host address: the proxy reaches it at the host's address on the egress network.
const api = new MockOpenAIResponses();
const project = `agentgate-t${process.pid}-egress-codex`;
const REAL_KEY = `sk-openai-real-key-${process.pid}-only-the-proxy-holds-it`;
// Copied, not imported: the test checks what compose/egress.yaml and the image do.
const PLACEHOLDER = 'sk-agentgate-placeholder-the-egress-proxy-holds-the-openai-key';
const base = reachable ? composeEnv(project, { AGENTGATE_IMAGE: AGENTS_IMAGE }, ['compose/egress.yaml']) : {};
const compose = (args: string[], extra: Record<string, string> = {}) => dockerAsync(['compose', ...args], { cwd: ROOT, env: { ...base, ...extra }, timeoutMs: 300_000 });

// What a person sets once: a model name for the mock, no update check, /workspace trusted. No login and no API
// address: the supervisor writes the placeholder's login and points Codex at the proxy.
const CONFIG = ['model = "mock-model"', 'check_for_update_on_startup = false', '[projects."/workspace"]', 'trust_level = "trusted"'].join('\\n');

beforeAll(async () => {
  if (!reachable) return;
  await api.start('0.0.0.0');
  await ensureAgentsImage();
}, 1_600_000);
afterAll(async () => {
  await api.close();
  made.cleanup();
  if (reachable) await compose(['down', '-v', '-t', '1', '--remove-orphans']);
});

describe.skipIf(!reachable)('compose/egress.yaml with Codex CLI: OPENAI_API_KEY lives in the proxy, never in the agent', () => {
  let agent = '';

  it('runs a turn of the real codex holding only a placeholder; the mock API sees the real key on each request', async () => {
    const first = await compose(['up', '-d', '--wait', 'egress']);
    expect(first.status, first.stderr).toBe(0);
    const gateway = docker(['network', 'inspect', `${project}_agentgate-outer`, '-f', '{{(index .IPAM.Config 0).Gateway}}']).stdout.trim();
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const extra = {
      AGENTGATE_AGENT: 'codex',
      OPENAI_API_KEY: REAL_KEY,
      AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI: `http://${gateway}:${api.port}/v1`,
      AGENTGATE_PROJECT_DIR: made.workspace(),
      AGENTGATE_PROMPT: 'hello with a borrowed openai key',
    };
    const init = await compose(['run', '--rm', '--no-deps', 'state-init',
      `mkdir -p /state/codex && printf '${CONFIG}\\n' > /state/codex/config.toml && touch /state/.agentgate-volume && chown -R 1000:1000 /state && chmod 0700 /state`], extra);
    expect(init.status, init.stderr).toBe(0);
    const up = await compose(['up', '-d', '--wait', 'agent'], extra);
    expect(up.status, up.stderr).toBe(0);
    agent = docker(['compose', 'ps', '-q', 'agent'], 30_000, { ...base, ...extra }).stdout.trim();
    const egress = docker(['compose', 'ps', '-q', 'egress'], 30_000, { ...base, ...extra }).stdout.trim();
    const screen = () => docker(['exec', agent, 'tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;
    await waitFor(() => api.userTexts().includes('hello with a borrowed openai key'), 'the prompt at the mock API', 120_000, screen);
    await waitFor(() => screen().includes('hello from the mock model'), 'the reply on screen', 60_000, screen);
    const posts = api.requests.filter((r) => r.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.map((r) => r.authorization).filter((a) => a !== `Bearer ${REAL_KEY}`)).toEqual([]);
    // The proxy says which credential it attached, never its value.
    const logs = docker(['logs', egress]);
    expect(logs.stdout).toContain('"credential":"openai-api-key"');
    expect(logs.stdout + logs.stderr).not.toContain(REAL_KEY);
  });

  it('leaves the key nowhere in the agent: no process environment, not its login file, not docker inspect, not its logs', () => {
    expect(agent, 'the previous test started the agent').not.toBe('');
    const environ = docker(['exec', agent, 'sh', '-c', 'for f in /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; done 2>/dev/null']).stdout;
    expect(environ).toContain(`OPENAI_API_KEY=${PLACEHOLDER}`); // codex's own environment was read
    expect(environ).not.toContain(REAL_KEY);
    expect(docker(['exec', agent, 'cat', '/home/agentgate/.claude/codex/auth.json']).stdout).toContain(PLACEHOLDER);
    const files = docker(['exec', agent, 'grep', '-rlsF', REAL_KEY, '/home/agentgate', '/workspace', '/tmp']);
    expect(files.stdout).toBe('');
    expect(docker(['inspect', agent]).stdout).not.toContain(REAL_KEY);
    expect(docker(['inspect', agent]).stdout).toContain(PLACEHOLDER);
    const logs = docker(['logs', agent]);
    expect(logs.stdout + logs.stderr).not.toContain(REAL_KEY);
  });
});
