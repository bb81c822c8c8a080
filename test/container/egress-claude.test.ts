import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_TEST_KEY, preparedClaudeState } from '../helpers/claude-state.js';
import { ROOT, TestContainers, requireEngine } from '../helpers/containers.js';
import { HARDENING, TEST_IMAGE, composeEnv, docker, dockerAsync, inspect, networkGateway } from '../helpers/docker.js';
import { DnsCapture, RecordingResolver, askMadeUpNames, madeUpNames } from '../helpers/dns-watch.js';
import { MockAnthropic } from '../helpers/mock-anthropic.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
// Listens on every host address: the proxy reaches it at the host's address on the egress network.
const mock = new MockAnthropic();
const project = `agentgate-t${process.pid}-egress-claude`;
const env = reachable ? composeEnv(project, {}, ['compose/egress.yaml']) : {};
const compose = (args: string[], extra: Record<string, string> = {}) => dockerAsync(['compose', ...args], { cwd: ROOT, env: { ...env, ...extra }, timeoutMs: 300_000 });

beforeAll(async () => {
  if (reachable) await mock.start('0.0.0.0');
});
afterAll(async () => {
  mock.stop();
  made.cleanup(); // the claude container first: it is on the project's network
  if (reachable) await compose(['down', '-v', '-t', '1', '--remove-orphans']);
});

describe.skipIf(!reachable)('the real claude behind the egress proxy (compose/egress.yaml)', () => {
  let agent = '';
  it('runs a turn against its API (a local mock) through the proxy, and cannot reach it around the proxy', async () => {
    // The proxy and its networks first, to learn the host's address on the egress side.
    expect((await compose(['up', '-d', '--wait', 'egress'])).status).toBe(0);
    const outer = `${project}_agentgate-outer`;
    const inner = `${project}_agentgate-inner`;
    const gateway = networkGateway(outer);
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // The mock API listed by address (a private address is refused unless listed so), the proxy re-created with it.
    const api = `${gateway}:${mock.port}`;
    const up = await compose(['up', '-d', '--wait', 'egress'], { AGENTGATE_EGRESS_ALLOW: api });
    expect(up.status, up.stderr).toBe(0);
    const egress = docker(['compose', 'ps', '-q', 'egress'], 30_000, env).stdout.trim();
    const proxyIp = inspect(egress, `{{(index .NetworkSettings.Networks "${outer}").IPAddress}}`);

    // Claude as compose/egress.yaml places the agent: the internal network only, no resolver, the proxy variables.
    const container = made.name('egress-claude');
    agent = container;
    const ws = made.workspace();
    const state = preparedClaudeState();
    made.track(state);
    const isolated = HARDENING.filter((f, i, all) => f !== '--network' && all[i - 1] !== '--network');
    const proxyEnv = ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy'].flatMap((name) => ['-e', `${name}=http://egress:3128`]);
    const r = docker([
      'run', '-d', '--name', container, ...isolated, '--network', inner, '--dns', '127.0.0.1',
      '-v', `${ws}:/workspace`, '-v', `${state}:/home/agentgate/.claude`,
      ...proxyEnv, '-e', 'NO_PROXY=localhost,127.0.0.1,::1', '-e', 'no_proxy=localhost,127.0.0.1,::1',
      '-e', `ANTHROPIC_API_KEY=${CLAUDE_TEST_KEY}`, '-e', `ANTHROPIC_BASE_URL=http://${api}`,
      '-e', 'AGENTGATE_PROMPT=hello through the proxy', TEST_IMAGE,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const screen = () => docker(['exec', container, 'tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;
    await waitFor(() => mock.conversations().some((t) => t.includes('hello through the proxy')), 'the prompt at the mock API', 90_000, screen);
    await waitFor(() => screen().includes('hello from the mock model'), 'the reply on screen', 30_000, screen);
    // Every request came from the proxy, none from the agent's own address.
    const from = new Set(mock.requests.map((q) => q.from.replace(/^::ffff:/, '')));
    expect([...from]).toEqual([proxyIp]);
    const counts = JSON.parse(docker(['exec', egress, 'curl', '-s', 'http://127.0.0.1:7433/readyz']).stdout);
    expect(counts.allowed).toBeGreaterThan(0);
    // Around the proxy, the same API is out of reach.
    const direct = docker(['exec', container, 'curl', '-s', '-m', '3', '--noproxy', '*', '-o', '/dev/null', '-w', '%{http_code}', `http://${api}/v1/messages`]);
    expect(direct.stdout).toBe('000');
    expect(docker(['logs', container]).stdout).not.toContain(CLAUDE_TEST_KEY);
  });

  it('lets no DNS query for a made-up name leave the agent: a capture on every host interface sees none, while a control query is seen', async () => {
    expect(agent, 'the previous test started the agent').not.toBe('');
    const outer = `${project}_agentgate-outer`;
    const gateway = networkGateway(outer);
    const capture = new DnsCapture();
    const resolver = new RecordingResolver();
    await capture.start();
    await resolver.start(gateway);
    try {
      const id = `${process.pid}${Date.now().toString(36)}`;
      askMadeUpNames((cmd) => docker(['exec', agent, 'sh', '-c', cmd]), id);
      // Control: a container whose upstream is the test's resolver asks a name; both the resolver and the
      // capture see it, and since the capture is in time order, the agent's queries would have come before it.
      const control = docker(['run', '--rm', '--network', outer, '--dns', gateway, '--entrypoint', 'getent', TEST_IMAGE, 'hosts', `control-${id}.example`], 60_000);
      expect(control.status).not.toBe(0); // the test's resolver says the name does not exist
      await waitFor(() => resolver.names.includes(`control-${id}.example`), 'the control query at the test resolver', 10_000, () => resolver.names.join(' '));
      await waitFor(() => capture.captured.includes(`control-${id}`), 'the control query in the capture', 10_000);
      expect(capture.captured).not.toMatch(madeUpNames(id));
      expect([...new Set(resolver.names.filter((n) => n.includes(id)))]).toEqual([`control-${id}.example`]); // A and AAAA, retried
    } finally {
      resolver.stop();
      capture.stop();
    }
  });
});
