import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentgateCli, installCli, projectDir } from '../helpers/agentgate-cli.js';
import { requireEngine } from '../helpers/containers.js';
import { TEST_IMAGE, docker, dockerAsync, inspect } from '../helpers/docker.js';
import { FIRST_RUN_STATE, TEST_KEYS, lockHostEgressProxy, stateInitScript } from '../helpers/egress-stack.js';
import { MockAnthropic } from '../helpers/mock-anthropic.js';
import { waitFor } from '../helpers/wait-for.js';

// The tests of `up --egress` share the one proxy `agentgate-egress`, so they run in turn (and this file and
// cli-egress-agents.test.ts hold a lock for it).
const engine = requireEngine();
const tag = `e${process.pid}`;
const { value: REAL_KEY, placeholder: PLACEHOLDER } = TEST_KEYS.anthropic;

let cli: AgentgateCli;
let release = () => {};
const names: string[] = [];
const api = new MockAnthropic();
const agentName = (label: string) => {
  const n = `${label}-${tag}`;
  names.push(n);
  return n;
};

/** This host's address that the proxy (on its outer bridge) reaches: the source of the default route. */
function hostAddress(): string {
  try {
    const src = /\bsrc (\S+)/.exec(execFileSync('ip', ['-4', 'route', 'get', '1.1.1.1'], { encoding: 'utf8' }))?.[1];
    if (src) return src;
  } catch {
    // no default route: any address of the host's own
  }
  const address = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal);
  if (!address) throw new Error('this host has no IPv4 address the proxy could reach the mock API at');
  return address.address;
}

describe.skipIf(!engine)('agentgate up --egress', () => {
  beforeAll(async () => {
    release = await lockHostEgressProxy();
    cli = new AgentgateCli(installCli());
    await api.start('0.0.0.0');
  }, 900_000);
  afterAll(() => {
    api.stop();
    cli?.cleanup(names);
    // The proxy and its networks, left by a test that failed before its rm (the lock keeps the other file out).
    docker(['rm', '-f', 'agentgate-egress']);
    docker(['network', 'rm', 'agentgate-egress-inner', 'agentgate-egress-outer']);
    release();
  });

  it('puts an agent behind the allowlist proxy with --egress, and removes the proxy with the last such agent', async () => {
    const name = agentName('egress');
    const up = cli.run(['up', projectDir('egress'), '--name', name, '--image', TEST_IMAGE, '--agent', 'sleep 1000000', '--memory', '512m', '--egress', '--allow', 'example.com:443']);
    expect(up.code, up.stderr).toBe(0);
    const container = `agentgate-${name}`;
    expect(inspect(container, '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}').trim()).toBe('agentgate-egress-inner');
    expect(inspect('agentgate-egress', '{{index .Config.Labels "agentgate.egress-allow"}}')).toBe('example.com:443');
    // The agent's own self-test: no direct way out, no resolver, the proxy answers.
    await waitFor(() => {
      const report = JSON.parse(docker(['exec', container, 'sh', '-c', 'curl -s "$(cat /tmp/agentgate/health-url)/readyz"']).stdout || '{}');
      return report.checks?.egress?.ok === true;
    }, 'the egress self-test to pass', 60_000, () => docker(['logs', '--tail', '5', container]).stdout);
    const rows: Array<{ name: string }> = JSON.parse(cli.run(['ls', '--json']).stdout);
    expect(rows.map((r) => r.name)).not.toContain('agentgate-egress');
    const rm = cli.run(['rm', name]);
    expect(rm.stderr).toContain('the egress proxy and its networks were removed');
    expect(docker(['inspect', 'agentgate-egress']).status).not.toBe(0);
    expect(docker(['network', 'inspect', 'agentgate-egress-inner']).status).not.toBe(0);
  });

  it('--ask: a request to an unlisted public host waits until `agentgate approve NAME` allows it; the agent\'s status shows it meanwhile', async () => {
    // The proxy asks only about public destinations: its outer network, made here before `up` (which keeps an
    // existing one), is TEST-NET-2, so the host (its gateway) is a public-looking target no packet leaves for.
    expect(docker(['network', 'create', '--subnet', '198.51.100.0/24', '--label', 'agentgate.role=egress-network', 'agentgate-egress-outer']).status).toBe(0);
    const server = createServer((req, res) => res.end(`reached ${req.url}\n`));
    const port = await new Promise<number>((r) => server.listen(0, '0.0.0.0', () => r((server.address() as AddressInfo).port)));
    const name = agentName('ask');
    try {
      const up = cli.run(['up', projectDir('ask'), '--name', name, '--image', TEST_IMAGE, '--agent', 'sleep 1000000', '--memory', '512m', '--egress', '--ask']);
      expect(up.code, up.stderr).toBe(0);
      expect(up.stderr).toContain('it asks about other public hosts');
      const container = `agentgate-${name}`;
      const held = dockerAsync(['exec', container, 'curl', '-sS', '-m', '100', '-w', '\n%{http_code}', `http://198.51.100.1:${port}/held`], { timeoutMs: 120_000 });
      await waitFor(() => docker(['exec', container, 'agentgate', 'status']).stdout.includes(`198.51.100.1:${port}/held`), "the ask in the agent's status", 30_000,
        () => docker(['logs', '--tail', '10', 'agentgate-egress']).stdout);
      // The proxy's token is in its label (agentgate made it): the host needs none of its own.
      const approve = cli.run(['approve', name]);
      expect(approve.code, approve.stderr).toBe(0);
      expect((await held).stdout).toMatch(/^reached \/held\n+200$/);
      await waitFor(() => !docker(['exec', container, 'agentgate', 'status']).stdout.includes('/held'), 'the ask gone from status', 30_000);
      expect(cli.run(['up', projectDir('ask-x'), '--ask']).stderr).toContain('up --ask needs --egress');
      expect(cli.run(['rm', name]).code).toBe(0);
    } finally {
      server.close();
      // The proxy and the public-looking outer network go with the agent, also when an assertion failed above.
      cli.run(['rm', name]);
      docker(['rm', '-f', 'agentgate-egress']);
      docker(['network', 'rm', 'agentgate-egress-inner', 'agentgate-egress-outer']);
    }
  });

  it('keeps the API key out of the agent: the proxy holds it, Claude\'s requests reach the API with it', async () => {
    const name = agentName('key');
    // The state volume with Claude's first-run answers, as the compose egress test gives them (no key is approved in
    // it: the supervisor approves the placeholder).
    const init = docker(['run', '--rm', '--network', 'none', '--user', '0:0', '--entrypoint', 'sh', '-v', `agentgate-${name}-state:/state`, TEST_IMAGE, '-c',
      stateInitScript(FIRST_RUN_STATE.claude)]);
    expect(init.status, init.stderr).toBe(0);
    const upstream = `http://${hostAddress()}:${api.port}`;
    // Asynchronous: the mock API lives in this process, and a blocking spawn would keep it from answering.
    const up = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const run = cli.start(['up', projectDir('key'), '--name', name, '--image', TEST_IMAGE, '--memory', '1g', '--egress', '--prompt', 'hello with a borrowed key'],
        { env: { ANTHROPIC_API_KEY: REAL_KEY, AGENTGATE_CREDENTIAL_UPSTREAM: upstream } });
      void run.exited.then((code) => resolve({ code, stderr: run.out.stderr }));
    });
    expect(up.code, up.stderr).toBe(0);
    expect(up.stderr).toContain('it holds ANTHROPIC_API_KEY (the agent: a placeholder)');
    const container = `agentgate-${name}`;
    const screen = () => docker(['exec', container, 'tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;
    await waitFor(() => api.conversations().some((t) => t.join(' ').includes('hello with a borrowed key')), 'the prompt at the mock API', 120_000, screen);
    expect(api.requests.length).toBeGreaterThan(0);
    expect(api.requests.map((r) => r.apiKey).filter((k) => k !== REAL_KEY)).toEqual([]);

    // Not in the agent's container config, nor in any of its processes' environments; the placeholder is.
    const agentConfig = docker(['inspect', container]).stdout;
    expect(agentConfig).not.toContain(REAL_KEY);
    expect(agentConfig).toContain(`ANTHROPIC_API_KEY=${PLACEHOLDER}`);
    expect(agentConfig).toContain('AGENTGATE_CREDENTIAL_URL=http://egress:3129');
    const environ = (await dockerAsync(['exec', container, 'sh', '-c', 'for f in /proc/[0-9]*/environ; do tr "\\0" "\\n" < "$f"; done 2>/dev/null'])).stdout;
    expect(environ).toContain(`ANTHROPIC_API_KEY=${PLACEHOLDER}`);
    expect(environ).toContain('ANTHROPIC_BASE_URL=http://egress:3129'); // claude's own: the supervisor pointed it at the proxy
    expect(environ).not.toContain(REAL_KEY);
    const logs = docker(['logs', container]);
    expect(logs.stdout + logs.stderr).not.toContain(REAL_KEY);
    // The proxy holds it, and says which credential it attached, never its value.
    expect(inspect('agentgate-egress', '{{json .Config.Env}}')).toContain(`ANTHROPIC_API_KEY=${REAL_KEY}`);
    const proxyLogs = docker(['logs', 'agentgate-egress']);
    expect(proxyLogs.stdout).toContain('"credential":"api-key"');
    expect(proxyLogs.stdout + proxyLogs.stderr).not.toContain(REAL_KEY);

    // Another agent behind the same proxy with another key would switch this one's: refused, naming it.
    const other = agentName('otherkey');
    const clash = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const run = cli.start(['up', projectDir('otherkey'), '--name', other, '--image', TEST_IMAGE, '--agent', 'sleep 1000000', '--memory', '512m', '--egress'],
        { env: { ANTHROPIC_API_KEY: `${REAL_KEY}-another`, AGENTGATE_CREDENTIAL_UPSTREAM: upstream } });
      void run.exited.then((code) => resolve({ code, stderr: run.out.stderr }));
    });
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain(`the egress proxy holds another API key or token (or upstream) for ${name}`);
    expect(inspect('agentgate-egress', '{{json .Config.Env}}')).toContain(`ANTHROPIC_API_KEY=${REAL_KEY}"`);

    expect(cli.run(['rm', name, '--volumes']).code).toBe(0);
    expect(docker(['inspect', 'agentgate-egress']).status).not.toBe(0);
  });
});
