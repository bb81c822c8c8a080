import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_IMAGE, ensureAgentsImage } from '../helpers/agents-image.js';
import { ROOT, TestContainers, requireEngine } from '../helpers/containers.js';
import { composeEnv, docker, dockerAsync } from '../helpers/docker.js';
import { MockGemini } from '../helpers/mock-gemini.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
// On every host address: the proxy reaches it at the host's address on the egress network.
const api = new MockGemini();
const project = `agentgate-t${process.pid}-egress-gemini`;
const REAL_KEY = `AIza-gemini-real-key-${process.pid}-only-the-proxy-holds-it`;
// Copied, not imported: the test checks what compose/egress.yaml and the image do.
const PLACEHOLDER = 'agentgate-placeholder-the-egress-proxy-holds-the-gemini-key';
const base = reachable ? composeEnv(project, { AGENTGATE_IMAGE: AGENTS_IMAGE }, ['compose/egress.yaml']) : {};
const compose = (args: string[], extra: Record<string, string> = {}) => dockerAsync(['compose', ...args], { cwd: ROOT, env: { ...base, ...extra }, timeoutMs: 300_000 });

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

describe.skipIf(!reachable)('compose/egress.yaml with Gemini CLI: GEMINI_API_KEY lives in the proxy, never in the agent', () => {
  let agent = '';

  it('runs a turn of the real gemini holding only a placeholder, its auth method chosen by the supervisor; the mock sees the real key', async () => {
    const first = await compose(['up', '-d', '--wait', 'egress']);
    expect(first.status, first.stderr).toBe(0);
    const gateway = docker(['network', 'inspect', `${project}_agentgate-outer`, '-f', '{{(index .IPAM.Config 0).Gateway}}']).stdout.trim();
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const extra = {
      AGENTGATE_AGENT: 'gemini',
      AGENTGATE_AGENT_ARGS: '-m gemini-2.5-flash',
      GEMINI_API_KEY: REAL_KEY,
      AGENTGATE_CREDENTIAL_UPSTREAM_GEMINI: `http://${gateway}:${api.port}`,
      AGENTGATE_PROJECT_DIR: made.workspace(),
      AGENTGATE_PROMPT: 'hello with a borrowed gemini key',
    };
    // A person's one-time answer: /workspace trusted. No auth method chosen: the placeholder settles that.
    const init = await compose(['run', '--rm', '--no-deps', 'state-init',
      `mkdir -p /state/gemini/.gemini && printf '{"/workspace":"TRUST_FOLDER"}' > /state/gemini/.gemini/trustedFolders.json && touch /state/.agentgate-volume && chown -R 1000:1000 /state && chmod 0700 /state`], extra);
    expect(init.status, init.stderr).toBe(0);
    const up = await compose(['up', '-d', '--wait', 'agent'], extra);
    expect(up.status, up.stderr).toBe(0);
    agent = docker(['compose', 'ps', '-q', 'agent'], 30_000, { ...base, ...extra }).stdout.trim();
    const egress = docker(['compose', 'ps', '-q', 'egress'], 30_000, { ...base, ...extra }).stdout.trim();
    const screen = () => docker(['exec', agent, 'tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;
    await waitFor(() => api.turns().some((texts) => texts.includes('hello with a borrowed gemini key')), 'the prompt at the mock API', 120_000, screen);
    await waitFor(() => screen().includes('hello from the mock model'), 'the reply on screen', 60_000, screen);
    expect(api.requests.map((r) => r.googApiKey).filter((k) => k !== REAL_KEY)).toEqual([]);
    const logs = docker(['logs', egress]);
    expect(logs.stdout).toContain('"credential":"gemini-api-key"');
    expect(logs.stdout + logs.stderr).not.toContain(REAL_KEY);
  });

  it('leaves the key nowhere in the agent: no process environment, not its home, not docker inspect, not its logs', () => {
    expect(agent, 'the previous test started the agent').not.toBe('');
    const environ = docker(['exec', agent, 'sh', '-c', 'for f in /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; done 2>/dev/null']).stdout;
    expect(environ).toContain(`GEMINI_API_KEY=${PLACEHOLDER}`);
    expect(environ).not.toContain(REAL_KEY);
    expect(docker(['exec', agent, 'grep', '-rlsF', REAL_KEY, '/home/agentgate', '/workspace', '/tmp']).stdout).toBe('');
    expect(docker(['inspect', agent]).stdout).not.toContain(REAL_KEY);
    expect(docker(['inspect', agent]).stdout).toContain(PLACEHOLDER);
    const logs = docker(['logs', agent]);
    expect(logs.stdout + logs.stderr).not.toContain(REAL_KEY);
  });
});
