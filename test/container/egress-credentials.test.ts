import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, TestContainers, requireEngine } from '../helpers/containers.js';
import { composeEnv, docker, dockerAsync } from '../helpers/docker.js';
import { MockAnthropic } from '../helpers/mock-anthropic.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
// On every host address: the proxy reaches them at the host's address on the egress network.
const api = new MockAnthropic();
const other = new MockAnthropic('hello from another host');
const project = `agentgate-t${process.pid}-egress-secrets`;
const REAL_KEY = `sk-ant-real-key-${process.pid}-only-the-proxy-holds-it`;
const PLACEHOLDER = 'sk-ant-api03-agentgate-placeholder-the-egress-proxy-holds-the-key';
const base = reachable ? composeEnv(project, {}, ['compose/egress.yaml']) : {};
const compose = (args: string[], extra: Record<string, string> = {}) => dockerAsync(['compose', ...args], { cwd: ROOT, env: { ...base, ...extra }, timeoutMs: 300_000 });

// Claude's first-run answers a person gives once (theme, trusting /workspace); no API key is approved in it:
// approving the placeholder is the supervisor's job.
const FIRST_RUN = JSON.stringify({ hasCompletedOnboarding: true, theme: 'dark', projects: { '/workspace': { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } } });

beforeAll(async () => {
  if (!reachable) return;
  await api.start('0.0.0.0');
  await other.start('0.0.0.0');
});
afterAll(async () => {
  api.stop();
  other.stop();
  made.cleanup();
  if (reachable) await compose(['down', '-v', '-t', '1', '--remove-orphans']);
});

describe.skipIf(!reachable)('compose/egress.yaml: the API key lives in the proxy, never in the agent', () => {
  let agent = '';
  let egress = '';

  it('runs a turn of the real claude holding only a placeholder; the mock API sees the real key on each request', async () => {
    // The proxy and its networks first, to learn the host's address on the egress side.
    const first = await compose(['up', '-d', '--wait', 'egress']);
    expect(first.status, first.stderr).toBe(0);
    const gateway = docker(['network', 'inspect', `${project}_agentgate-outer`, '-f', '{{(index .IPAM.Config 0).Gateway}}']).stdout.trim();
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const extra = {
      ANTHROPIC_API_KEY: REAL_KEY,
      AGENTGATE_CREDENTIAL_UPSTREAM: `http://${gateway}:${api.port}`,
      // Another host the agent may reach: the placeholder it sends there must arrive as just a string.
      AGENTGATE_EGRESS_ALLOW: `${gateway}:${other.port}`,
      AGENTGATE_PROJECT_DIR: made.workspace(),
      AGENTGATE_PROMPT: 'hello with a borrowed key',
    };
    const init = await compose(['run', '--rm', '--no-deps', 'state-init',
      `chown 0:0 /state && printf '%s' '${FIRST_RUN}' > /state/.claude.json && echo '{}' > /state/settings.json && touch /state/.agentgate-volume && chown -R 1000:1000 /state && chmod 0700 /state`], extra);
    expect(init.status, init.stderr).toBe(0);
    const up = await compose(['up', '-d', '--wait', 'agent'], extra);
    expect(up.status, up.stderr).toBe(0);
    agent = docker(['compose', 'ps', '-q', 'agent'], 30_000, { ...base, ...extra }).stdout.trim();
    egress = docker(['compose', 'ps', '-q', 'egress'], 30_000, { ...base, ...extra }).stdout.trim();
    const screen = () => docker(['exec', agent, 'tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;
    await waitFor(() => api.conversations().some((t) => t.includes('hello with a borrowed key')), 'the prompt at the mock API', 90_000, screen);
    await waitFor(() => screen().includes('hello from the mock model'), 'the reply on screen', 30_000, screen);
    expect(api.requests.length).toBeGreaterThan(0);
    expect(api.requests.map((r) => r.apiKey).filter((k) => k !== REAL_KEY)).toEqual([]);
    // The proxy says which credential it attached, never its value.
    const logs = docker(['logs', egress]);
    expect(logs.stdout).toContain('"credential":"api-key"');
    expect(logs.stdout + logs.stderr).not.toContain(REAL_KEY);
  });

  it('leaves the key nowhere in the agent: no process environment, no file, not the state volume, not docker inspect, not its logs', () => {
    expect(agent, 'the previous test started the agent').not.toBe('');
    const environ = docker(['exec', agent, 'sh', '-c', 'for f in /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; done 2>/dev/null']).stdout;
    expect(environ).toContain(`ANTHROPIC_API_KEY=${PLACEHOLDER}`); // claude's own environment was read
    expect(environ).not.toContain(REAL_KEY);
    // Every file the agent can read, the state volume (/home/agentgate/.claude) and the workspace included.
    const files = docker(['exec', agent, 'grep', '-rlsF', '--exclude-dir=proc', '--exclude-dir=sys', '--exclude-dir=dev', REAL_KEY, '/'], 300_000);
    expect(files.stdout).toBe('');
    expect(files.status).not.toBe(0); // not found (2: some files it may not read, such as other users' dirs)
    // The search does reach the state: the placeholder's approval is there.
    expect(docker(['exec', agent, 'grep', '-c', PLACEHOLDER.slice(-20), '/home/agentgate/.claude/.claude.json']).stdout.trim()).not.toBe('0');
    expect(docker(['inspect', agent]).stdout).not.toContain(REAL_KEY);
    expect(docker(['inspect', agent]).stdout).toContain(PLACEHOLDER);
    const logs = docker(['logs', agent]);
    expect(logs.stdout + logs.stderr).not.toContain(REAL_KEY);
  });

  it('gets nothing useful from sending the placeholder to another listed host', async () => {
    const url = `http://${docker(['exec', egress, 'sh', '-c', 'echo $AGENTGATE_EGRESS_ALLOW']).stdout.trim()}/v1/messages`;
    // Asynchronous: the mock lives in this process, and a blocking spawn would keep it from answering.
    const r = await dockerAsync(['exec', agent, 'curl', '-sS', '-m', '20', '-o', '/dev/null', '-w', '%{http_code}', '-H', `x-api-key: ${PLACEHOLDER}`, '-H', 'content-type: application/json', '-d', '{"messages":[]}', url]);
    expect(r.stdout, `${r.stderr}\n${docker(['logs', '--tail', '20', egress]).stdout}`).toBe('200');
    expect(other.requests.map((q) => q.apiKey)).toEqual([PLACEHOLDER]);
  });
});
