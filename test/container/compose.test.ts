import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, TestContainers, logEvents, requireEngine } from '../helpers/containers.js';
import { TEST_IMAGE, composeEnv, docker, dockerAsync, inspect, waitForHealth } from '../helpers/docker.js';
import { freePort } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
const projects: NodeJS.ProcessEnv[] = [];
/** A compose project of this test's own; `down -v` after the suite, with the same files (an override's networks
 * are only removed by a `down` that reads it: left behind, they use up the engine's address pools). */
function project(label: string, extra: Record<string, string> = {}, overrides: string[] = []): NodeJS.ProcessEnv {
  const env = composeEnv(`agentgate-t${process.pid}-${label}`, extra, overrides);
  projects.push(env);
  return env;
}
const compose = (args: string[], env: NodeJS.ProcessEnv, timeoutMs = 300_000) => dockerAsync(['compose', ...args], { cwd: ROOT, env, timeoutMs });
const containerOf = (env: NodeJS.ProcessEnv) => docker(['compose', 'ps', '-a', '-q', 'agent'], 30_000, env).stdout.trim();
afterAll(async () => {
  // The test's own containers first: one left on a project's network keeps `down` from removing it.
  made.cleanup();
  for (const env of projects) await compose(['down', '-v', '-t', '1', '--remove-orphans'], env, 120_000);
});

/** The variable names in the configuration reference's tables for the agent's container (docs/configuration.md). */
function documentedVariables(): string[] {
  const reference = readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8');
  const start = reference.indexOf('## Agent container');
  const table = reference.slice(start, reference.indexOf('\n## ', start + 5));
  return [...table.matchAll(/^\| `(AGENTGATE_[A-Z_]+)`/gm)].map((m) => m[1] as string);
}

describe.skipIf(!reachable)('compose, as a new user meets it', () => {
  it('passes every documented variable through, derives the stop period from the budget, and asks for at most 1 CPU by default', async () => {
    const config = await compose(['config', '--format', 'json'], project('config', { AGENTGATE_STOP_TIMEOUT_MS: '30000', AGENTGATE_SESSION: 'work', AGENTGATE_CPUS: '' }));
    expect(config.status, config.stderr).toBe(0);
    const agent = JSON.parse(config.stdout).services.agent;
    const documented = documentedVariables();
    expect(documented.length).toBeGreaterThanOrEqual(25);
    expect(Object.keys(agent.environment).sort()).toEqual(expect.arrayContaining(documented));
    expect(agent.environment.AGENTGATE_SESSION).toBe('work');
    expect(agent.environment.AGENTGATE_STOP_TIMEOUT_MS).toBe('30000');
    expect(agent.stop_grace_period).toBe('30s');
    expect(Number(agent.deploy.resources.limits.cpus)).toBe(1);
  });

  it('does not restart a start that needs a fix: up --wait fails, the log says why, health says why', async () => {
    const env = project('badconfig', { AGENTGATE_RESTART: 'sometimes', AGENTGATE_PROJECT_DIR: made.workspace() });
    const up = await compose(['up', '-d', '--wait', 'agent'], env);
    expect(up.status).not.toBe(0);
    const container = containerOf(env);
    await waitForHealth(container, 'unhealthy', 60_000);
    expect(inspect(container, '{{.RestartCount}}')).toBe('0');
    expect(inspect(container, '{{.State.Running}}')).toBe('true');
    expect(docker(['logs', container]).stdout).toContain('AGENTGATE_RESTART=\\"sometimes\\": expected one of');
    const status = docker(['exec', container, 'agentgate', 'status']);
    expect(status.stdout).toMatch(/FAIL start +start failed: invalid configuration/);
  });

  it('refuses a relative project dir, naming the variable', async () => {
    const env = project('relative', { AGENTGATE_PROJECT_DIR: '.' });
    expect((await compose(['up', '-d', '--wait', 'agent'], env)).status).not.toBe(0);
    const container = containerOf(env);
    await waitFor(() => docker(['logs', container]).stdout.includes('AGENTGATE_PROJECT_DIR=\\".\\": expected an absolute host path'), 'the refusal in the log', 30_000);
  });

  it('runs two projects side by side, each with its own state, and works for another uid (AGENTGATE_UID)', async () => {
    const first = made.workspace(1000);
    const second = made.workspace(501);
    writeFileSync(join(first, 'which'), 'first\n');
    mkdirSync(join(second, 'src'));
    const envA = project('proj-a', { AGENTGATE_PROJECT_DIR: first, AGENTGATE_AGENT: 'sleep infinity' });
    const envB = project('proj-b', { AGENTGATE_PROJECT_DIR: second, AGENTGATE_AGENT: 'sleep infinity', AGENTGATE_UID: '501', AGENTGATE_GID: '501' });
    const [upA, upB] = await Promise.all([compose(['up', '-d', '--wait', 'agent'], envA), compose(['up', '-d', '--wait', 'agent'], envB)]);
    expect(upA.status, upA.stderr).toBe(0);
    expect(upB.status, upB.stderr).toBe(0);
    const [a, b] = [containerOf(envA), containerOf(envB)];
    expect(a).not.toBe(b);
    expect(inspect(a, '{{.State.Running}}')).toBe('true'); // the second did not replace the first
    expect(docker(['exec', a, 'cat', '/workspace/which']).stdout).toBe('first\n');
    // Each has its own state volume.
    const volumes = (c: string) => inspect(c, '{{range .Mounts}}{{if eq .Destination "/home/agentgate/.claude"}}{{.Name}}{{end}}{{end}}');
    expect(volumes(a)).not.toBe(volumes(b));
    // uid 501: home and state are writable, so a login persists.
    const touch = docker(['exec', b, 'sh', '-c', 'id -u && touch "$HOME/x" "$HOME/.claude/x" && echo ok']);
    expect(touch.stdout.trim().split('\n'), touch.stderr).toEqual(['501', 'ok']);
    // One command lists them both, with health, what the agent does, the workspace and how to attach.
    const ls = spawnSync('node', ['dist/agentgate.cjs', 'ls', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(ls.status, ls.stderr).toBe(0);
    const rows = JSON.parse(ls.stdout) as Array<Record<string, string>>;
    for (const [env, ws] of [[envA, first], [envB, second]] as const) {
      const name = env.COMPOSE_PROJECT_NAME as string;
      expect(rows.find((r) => r.name === name)).toMatchObject({
        kind: 'compose',
        health: 'healthy',
        phase: 'running',
        state: expect.stringMatching(/^(starting|working|idle|unknown|needs-login)$/),
        workspace: ws,
        attach: `docker compose -p ${name} exec agent agentgate attach`,
      });
    }
    const table = spawnSync('node', ['dist/agentgate.cjs', 'ls'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 }).stdout;
    expect(table.split('\n')[0]).toMatch(/^NAME +STATE +FOR +AGENT +RESTARTS +MEMORY +WORKSPACE +ATTACH$/);
    expect(table).toContain(`docker compose -p ${envA.COMPOSE_PROJECT_NAME} exec agent agentgate attach`);
  });

  it('serves SSH on the host\'s loopback with compose/ssh.yaml: the documented ssh line reaches the agent', async () => {
    const keys = mkdtempSync(join(tmpdir(), 'agentgate-compose-ssh-'));
    made.track(keys);
    const key = join(keys, 'id');
    expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]).status).toBe(0);
    chmodSync(`${key}.pub`, 0o644);
    chmodSync(keys, 0o755);
    const port = await freePort();
    const env = project('ssh', { AGENTGATE_PROJECT_DIR: made.workspace(), AGENTGATE_AGENT: 'sleep infinity', AGENTGATE_SSH_KEYS: `${key}.pub`, AGENTGATE_SSH_PUBLISH: String(port) }, ['compose/ssh.yaml']);
    const up = await compose(['up', '-d', '--wait', 'agent'], env);
    expect(up.status, up.stderr).toBe(0);
    const container = containerOf(env);
    expect(docker(['port', container, '2222/tcp']).stdout.trim()).toBe(`127.0.0.1:${port}`);
    const login = spawnSync('ssh', ['-F', '/dev/null', '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null',
      '-i', key, '-p', String(port), 'agentgate@localhost', 'ls'], { encoding: 'utf8', timeout: 30_000 });
    // The key logged in, and got the agent's session, not a command.
    expect(login.stderr).toContain('commands are refused');
    expect(login.status).toBe(1);
  });

  it('puts the agent behind the egress proxy with compose/egress.yaml: allowed through it, nothing around it', async () => {
    const env = project('egress', { AGENTGATE_PROJECT_DIR: made.workspace(), AGENTGATE_AGENT: 'sleep infinity' }, ['compose/egress.yaml']);
    // A target on the egress side (a container on the outer network), and a service of the host's.
    expect((await compose(['up', '-d', '--wait', 'egress'], env)).status).toBe(0);
    const outer = `${env.COMPOSE_PROJECT_NAME}_agentgate-outer`;
    const target = made.name('egress-target');
    expect(docker(['run', '-d', '--name', target, '--network', outer, '--entrypoint', 'python3', TEST_IMAGE, '-m', 'http.server', '8000']).status).toBe(0);
    const targetIp = inspect(target, `{{(index .NetworkSettings.Networks "${outer}").IPAddress}}`);
    const hostService = createServer((_req, res) => res.end('host service\n'));
    const hostPort = await freePort();
    await new Promise<void>((r) => hostService.listen(hostPort, '0.0.0.0', () => r()));
    const gateway = inspect(target, `{{(index .NetworkSettings.Networks "${outer}").Gateway}}`);
    try {
      const allowEnv = { ...env, AGENTGATE_EGRESS_ALLOW: `${targetIp}:8000`, AGENTGATE_EGRESS_PROBE: `${targetIp}:8000` };
      const up = await compose(['up', '-d', '--wait', 'agent'], allowEnv);
      expect(up.status, up.stderr).toBe(0);
      const agent = containerOf(env);
      const inAgent = (cmd: string) => docker(['exec', agent, 'sh', '-c', cmd]);
      await waitFor(() => inAgent(`curl -s -m 5 -o /dev/null -w '%{http_code}' http://${targetIp}:8000/`).stdout === '200', 'the listed target through the proxy', 30_000);
      // Around the proxy: the same target directly, the host's service on every address, DNS for outside names.
      expect(inAgent(`curl -s -m 3 --noproxy '*' -o /dev/null -w '%{http_code}' http://${targetIp}:8000/`).stdout).toBe('000');
      expect(inAgent(`curl -s -m 3 --noproxy '*' -o /dev/null -w '%{http_code}' http://${gateway}:${hostPort}/`).stdout).toBe('000');
      expect(inAgent(`curl -s -m 5 -o /dev/null -w '%{http_code}' http://${gateway}:${hostPort}/`).stdout).toBe('403');
      expect(inAgent('getent hosts example.com || echo unresolved').stdout.trim()).toBe('unresolved');
      expect(inAgent('getent hosts egress').stdout).toMatch(/\d+\.\d+\.\d+\.\d+\s+egress/);
      // No IPv6 way out either: no global IPv6 address on the agent's side.
      expect(inAgent("awk '$4 != \"20\" && $4 != \"10\" { print }' /proc/net/if_inet6").stdout.trim()).toBe('');
      // The agent's own self-test agrees, in its health.
      const egressCheck = () => JSON.parse(docker(['exec', agent, 'agentgate', 'health', '--json']).stdout || '{}').checks?.egress;
      await waitFor(() => egressCheck()?.ok === true, 'the self-test says isolated', 30_000, () => JSON.stringify(egressCheck()));
      expect(egressCheck().reason).toMatch(/^isolated: /);
      // Put on a normal network (the egress side, where the probe answers), the same self-test says so loudly,
      // and in strict mode the start fails. (DNS stays local: --dns 127.0.0.1, so nothing leaves the machine.)
      const exposed = made.name('egress-exposed');
      const ws = made.workspace();
      const proxyIp = inspect(docker(['compose', 'ps', '-q', 'egress'], 30_000, env).stdout.trim(), `{{(index .NetworkSettings.Networks "${outer}").IPAddress}}`);
      const exposedArgs = ['--network', outer, '--dns', '127.0.0.1', '--read-only', '--tmpfs', '/tmp:mode=1777', '--tmpfs', '/home/agentgate:uid=1000,gid=1000', '--cap-drop', 'ALL',
        '-v', `${ws}:/workspace`, '-e', 'AGENTGATE_AGENT=sleep infinity', '-e', `AGENTGATE_EGRESS_PROBE=${targetIp}:8000`, '-e', `HTTPS_PROXY=http://${proxyIp}:3128`];
      expect(docker(['run', '-d', '--name', exposed, ...exposedArgs, '-e', 'AGENTGATE_EGRESS_SELFTEST=on', TEST_IMAGE]).status).toBe(0);
      const exposedCheck = () => JSON.parse(docker(['exec', exposed, 'agentgate', 'health', '--json']).stdout || '{}').checks?.egress;
      await waitFor(() => exposedCheck()?.reason?.startsWith('NOT ISOLATED'), 'the self-test says NOT ISOLATED', 30_000, () => JSON.stringify(exposedCheck()));
      expect(exposedCheck().reason).toContain(`a direct connection to ${targetIp}:8000 succeeded`);
      expect(docker(['exec', exposed, 'agentgate', 'health']).status).toBe(1);
      const strict = docker(['run', '--rm', ...exposedArgs, '-e', 'AGENTGATE_EGRESS_SELFTEST=strict', TEST_IMAGE], 60_000);
      expect(strict.status).toBe(69);
      expect(strict.stdout).toContain('egress self-test failed (AGENTGATE_EGRESS_SELFTEST=strict): NOT ISOLATED');
      const egress = docker(['compose', 'ps', '-q', 'egress'], 30_000, env).stdout.trim();
      expect(logEvents(egress, 'egress denied')).toEqual(expect.arrayContaining([expect.objectContaining({ host: gateway, port: hostPort })]));
    } finally {
      hostService.close();
      docker(['rm', '-f', target]); // before compose down, which removes the network it is on
    }
  });
});
