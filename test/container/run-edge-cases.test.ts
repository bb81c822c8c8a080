import { spawn } from 'node:child_process';
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestContainers, exec, logEvents, readyz, requireEngine } from '../helpers/containers.js';
import { FIXTURES } from '../helpers/supervisor-process.js';
import { HARDENING, TEST_IMAGE, docker, inspect, waitForHealth } from '../helpers/docker.js';
import { replay } from '../helpers/asciicast.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
afterAll(() => made.cleanup());

const noInspector = (container: string) => {
  // Inside the container's own network: nothing may answer on the inspector's port.
  const probe = exec(container, ['sh', '-c', 'curl -s -m 2 http://127.0.0.1:9229/json/list; echo "curl=$?"']);
  expect(probe.stdout.trim()).toMatch(/curl=7$/); // 7: connection refused
  expect(docker(['logs', container]).stderr + docker(['logs', container]).stdout).not.toContain('Debugger listening');
};

describe.skipIf(!reachable)('the image under attack and misuse', () => {
  it('never opens the inspector on SIGUSR1: right after docker run -d, and in keep-alive mode', async () => {
    const container = made.name('usr1');
    const ws = made.workspace();
    expect(docker(['run', '-d', '--name', container, ...HARDENING, '-v', `${ws}:/workspace`, '-e', 'AGENTGATE_AGENT=none', TEST_IMAGE]).status).toBe(0);
    // At once, again and again while it starts: tini passes each on to the shim, then to node.
    for (let i = 0; i < 15; i++) docker(['kill', '-s', 'USR1', container], 5000);
    await waitFor(() => exec(container, ['agentgate', 'health']).status === 0, 'keep-alive healthy', 20_000);
    for (let i = 0; i < 3; i++) expect(docker(['kill', '-s', 'USR1', container]).status).toBe(0);
    expect(inspect(container, '{{.State.Running}}')).toBe('true');
    noInspector(container);
  });

  it('keeps stdout for the command in command mode', () => {
    const r = docker(['run', '--rm', '--network', 'none', TEST_IMAGE, 'sh', '-c', 'echo \'{"a":1}\'']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('{"a":1}\n');
  });

  it('attaches with one command right after docker run -d, and tells root which user to be', async () => {
    const { container } = made.runAgent('attach', 'agent-idle.sh');
    // A real terminal for `docker exec -it`, from util-linux `script`.
    const client = spawn('script', ['-qfec', `docker exec -it ${container} agentgate attach`, '/dev/null'], { env: { ...process.env, TERM: 'xterm' }, stdio: 'pipe' });
    let screen = '';
    client.stdout.on('data', (d) => (screen += d));
    try {
      await waitFor(() => screen.includes('agent-idle pid'), 'the agent on the attached screen', 20_000);
      expect(exec(container, ['tmux', 'list-clients', '-F', '#{client_session}']).stdout.trim()).toBe('agent');
    } finally {
      client.kill('SIGKILL');
    }
    const asRoot = docker(['exec', '-u', '0', container, 'agentgate', 'attach']);
    expect(asRoot.status).toBe(1);
    const id = inspect(container, '{{.Config.Hostname}}');
    expect(asRoot.stderr).toContain(`attach as that user: docker exec -it -u 1000 ${id} agentgate attach`);
  });

  it('lets root attach where Docker\'s default capabilities let it reach the socket (a plain docker run); the session still runs as 1000', async () => {
    // The README's first `docker run`: Docker's default capabilities (DAC_OVERRIDE among them), and no
    // no-new-privileges (with it, an exec'd root has no capabilities at all, as with --cap-drop ALL).
    const { container } = made.runAgent('root-attach', 'agent-idle.sh', [], ['--network', 'none']);
    await waitForHealth(container, 'healthy', 30_000);
    const client = spawn('script', ['-qfec', `docker exec -it -u 0 ${container} agentgate attach`, '/dev/null'], { env: { ...process.env, TERM: 'xterm' }, stdio: 'pipe' });
    try {
      await waitFor(() => exec(container, ['tmux', 'list-clients', '-F', '#{client_uid} #{client_session}']).stdout.trim() === '0 agent', 'root attached', 20_000);
      // Attaching as root gives no root inside: the tmux server, and all it runs, is uid 1000's.
      const serverPid = exec(container, ['tmux', 'display-message', '-p', '#{pid}']).stdout.trim();
      expect(exec(container, ['ps', '-o', 'uid=', '-p', serverPid]).stdout.trim()).toBe('1000');
    } finally {
      client.kill('SIGKILL');
    }
  });

  it('runs two agents on the host network: the second moves off the busy health port and both are healthy', async () => {
    const hostNet = HARDENING.filter((f, i, all) => f !== '--network' && all[i - 1] !== '--network');
    const first = made.runAgent('hostnet-1', 'agent-idle.sh', [], [...hostNet, '--network', 'host']);
    await waitForHealth(first.container, 'healthy', 30_000);
    const second = made.runAgent('hostnet-2', 'agent-idle.sh', [], [...hostNet, '--network', 'host']);
    await waitForHealth(second.container, 'healthy', 30_000);
    expect(logEvents(second.container, 'health port busy')).toEqual([expect.objectContaining({ level: 'warn', port: 7433, detail: 'serving health on a free port instead' })]);
    // Each finds its own supervisor: the URLs they wrote differ, and each answers healthy.
    const urls = [first, second].map(({ container }) => exec(container, ['cat', '/tmp/agentgate/health-url']).stdout.trim());
    expect(urls[0]).toBe('http://127.0.0.1:7433');
    expect(urls[1]).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(urls[1]).not.toBe(urls[0]);
    expect(exec(second.container, ['agentgate', 'health']).status).toBe(0);
  });

  it('survives a workspace that turns unreadable, reports it, and restarts the agent once it is back', async () => {
    const { container, ws } = made.runAgent('unreadable', 'agent-idle.sh');
    await waitForHealth(container, 'healthy', 30_000);
    chmodSync(ws, 0o000);
    exec(container, ['pkill', '-KILL', '-f', 'agent-idle.sh']);
    await waitFor(() => readyz(container).phase === 'waiting', 'supervisor waiting for the workspace', 20_000);
    expect(readyz(container).checks.workspace).toMatchObject({ ok: false, reason: expect.stringContaining('EACCES') });
    expect(inspect(container, '{{.State.Running}}')).toBe('true');
    chmodSync(ws, 0o755);
    await waitForHealth(container, 'healthy', 30_000);
    expect(readyz(container).restarts).toBeGreaterThanOrEqual(1);
  });

  it('says a full workspace is full', async () => {
    const container = made.name('full');
    const r = docker(['run', '-d', '--name', container, ...HARDENING, '--tmpfs', '/workspace:uid=1000,gid=1000,size=256k', '-e', 'AGENTGATE_AGENT=sleep infinity', TEST_IMAGE]);
    expect(r.status, r.stderr).toBe(0);
    await waitFor(() => exec(container, ['agentgate', 'health']).status === 0, 'healthy', 20_000);
    exec(container, ['sh', '-c', 'dd if=/dev/zero of=/workspace/fill bs=4k 2>/dev/null']);
    await waitFor(() => readyz(container).checks?.workspace?.ok === false, 'workspace full reported', 10_000);
    expect(readyz(container).checks.workspace.reason).toBe('/workspace is full: no space left on its file system');
  });

  it('never advises root for a root-owned workspace (a mount source Docker created)', () => {
    const container = made.name('rootws');
    const ws = made.workspace(0);
    const r = docker(['run', '--name', container, ...HARDENING, '-v', `${ws}:/workspace`, TEST_IMAGE]);
    expect(r.status).toBe(69);
    const failed = r.stdout.split('\n').filter((l) => l.includes('"start failed"')).map((l) => JSON.parse(l));
    expect(failed).toMatchObject([{ error: expect.stringContaining('it belongs to root'), hint: expect.stringContaining('Docker creates a bind-mount source that does not exist as an empty root-owned directory') }]);
    expect(r.stdout).not.toMatch(/--user 0|user: "0/);
  });

  it('starts when the fix a workspace error names is followed (--user of the owner), on a private state dir it warns of once', async () => {
    const ws = made.workspace(4242);
    const idle = ['-v', `${ws}:/workspace`, '-v', `${FIXTURES}:/fixtures:ro`, '-e', 'AGENTGATE_AGENT=/fixtures/agent-idle.sh', '-e', 'AGENTGATE_RECORD=true', TEST_IMAGE];
    const refused = docker(['run', '--name', made.name('owner-refused'), ...HARDENING, ...idle]);
    expect(refused.status).toBe(69);
    const fix = /run as the owner with --user (\d+:\d+)/.exec(refused.stdout)?.[1];
    expect(fix).toBe('4242:4242');
    const container = made.name('owner-followed');
    expect(docker(['run', '-d', '--name', container, ...HARDENING, '--user', fix as string, '--health-interval', '1s', '--health-start-period', '0s', ...idle]).status).toBe(0);
    await waitForHealth(container, 'healthy', 30_000);
    expect(logEvents(container, 'state dir not writable')).toEqual([
      expect.objectContaining({ level: 'warn', path: '/home/agentgate/.claude', fallback: '/tmp/agentgate-state-4242', uid: 4242, hint: expect.stringContaining('mount a volume') }),
    ]);
    expect(logEvents(container, 'HOME not writable')).toEqual([expect.objectContaining({ fallback: '/tmp/agentgate-home-4242', detail: 'the agent gets a private one for this container' })]);
    // The agent really has them: its Claude state dir and HOME are the private ones, writable by uid 4242.
    const pid = String(readyz(container).agentPid);
    const environ = exec(container, ['sh', '-c', `tr '\\0' '\\n' < /proc/${pid}/environ`]).stdout;
    expect(environ).toContain('CLAUDE_CONFIG_DIR=/tmp/agentgate-state-4242\n');
    expect(environ).toContain('HOME=/tmp/agentgate-home-4242\n');
    // And the supervisor keeps what belongs in the state dir there too: the recordings.
    const file = String(logEvents(container, 'recording started')[0]?.file);
    expect(exec(container, ['ls', '/tmp/agentgate-state-4242/agentgate-recordings']).stdout.split('\n')).toContain(file);
  });

  it('starts the hardened run with a root-owned tmpfs home, and says the state does not persist', async () => {
    const hardening = HARDENING.map((flag) => (flag.startsWith('/home/agentgate:') ? '/home/agentgate' : flag));
    const { container } = made.runAgent('tmpfs-home', 'agent-idle.sh', [], hardening);
    await waitForHealth(container, 'healthy', 30_000);
    expect(exec(container, ['stat', '-c', '%u', '/home/agentgate']).stdout.trim()).toBe('0');
    expect(logEvents(container, 'state dir not writable')).toEqual([
      expect.objectContaining({ level: 'warn', path: '/home/agentgate/.claude', fallback: '/tmp/agentgate-state-1000' }),
    ]);
  });

  it('says once that a state dir on the tmpfs home lasts as long as the container', async () => {
    const { container } = made.runAgent('tmpfs-state', 'agent-idle.sh');
    await waitForHealth(container, 'healthy', 30_000);
    expect(logEvents(container, 'state dir on tmpfs')).toEqual([
      expect.objectContaining({
        level: 'warn',
        path: '/home/agentgate/.claude',
        detail: 'the login and history last as long as the container',
        hint: expect.stringContaining('mount a volume that uid 1000 can write'),
      }),
    ]);
  });

  it('names an OOM kill of the agent, and the supervisor survives it', async () => {
    const { container } = made.runAgent('oom', 'agent-hog.sh', ['--memory', '112m', '--memory-swap', '112m', '-e', 'AGENTGATE_BACKOFF_INITIAL_MS=60000']);
    await waitFor(() => docker(['logs', container]).stdout.includes('"msg":"agent oom-killed"'), 'agent oom-killed in the log', 60_000);
    expect(logEvents(container, 'memory limit small')).toEqual([
      expect.objectContaining({ level: 'warn', limitMiB: 112, detail: 'expect OOM kills', hint: expect.stringMatching(/^raise the container's memory limit to \d+ MiB or more \(agentgate up --memory \d+m; docker run --memory \d+m/) }),
    ]);
    expect(inspect(container, '{{.State.Running}}')).toBe('true');
    const report = readyz(container);
    expect(report.lastExit).toMatchObject({ signal: 'SIGKILL', reason: 'oom-killed' });
    expect(exec(container, ['agentgate', 'status']).stdout).toContain('last exit: was killed by the kernel for memory (OOM)');
  });

  it('names the end of a shell agent whose child was OOM-killed (exit 137, not a SIGKILL of the agent)', async () => {
    const { container } = made.runAgent('oom-child', 'agent-hog-child.sh', ['--memory', '160m', '--memory-swap', '160m', '-e', 'AGENTGATE_BACKOFF_INITIAL_MS=60000']);
    await waitFor(() => logEvents(container, 'agent exited').length > 0, 'agent exited in the log', 60_000);
    const [exited] = logEvents(container, 'agent exited');
    expect(exited).toMatchObject({ code: 137, signal: null, reason: 'oom-killed', cause: 'out of memory' });
    expect(logEvents(container, 'agent oom-killed')[0]).toMatchObject({ code: 137, oomKills: 1 });
    expect(readyz(container).lastExit).toMatchObject({ code: 137, reason: 'oom-killed' });
    expect(exec(container, ['agentgate', 'status']).stdout).toContain('last exit: was killed by the kernel for memory (OOM)');
  });

  it('reports an OOM kill the agent lives on, in the log and on /events, with the count', async () => {
    const { container } = made.runAgent('oom-live', 'agent-hog-child.sh live', ['--memory', '160m', '--memory-swap', '160m']);
    // The hog starts with the agent: subscribe to /events first, then let the kernel kill the hog.
    await waitFor(() => exec(container, ['test', '-r', '/tmp/agentgate/health-url']).status === 0, 'health URL written', 30_000);
    expect(docker(['exec', '-d', container, 'sh', '-c', 'curl -sN "$(cat /tmp/agentgate/health-url)/events" > /tmp/events.txt']).status).toBe(0);
    await waitFor(() => logEvents(container, 'oom kill').length > 0, 'oom kill in the log', 60_000);
    expect(logEvents(container, 'oom kill')[0]).toMatchObject({ count: 1, total: expect.any(Number), limitBytes: 160 * 2 ** 20 });
    await waitFor(() => exec(container, ['cat', '/tmp/events.txt']).stdout.includes('event: oom kill'), 'oom kill on /events', 10_000);
    expect(exec(container, ['cat', '/tmp/events.txt']).stdout).toMatch(/event: oom kill\ndata: \{[^\n]*"count":1/);
    // The agent lives on: no exit, no restart.
    expect(logEvents(container, 'agent exited')).toHaveLength(0);
    expect(readyz(container)).toMatchObject({ phase: 'running', restarts: 0 });
  }, 90_000);

  it('records the agent\'s terminal in the state volume; a replay across a restart ends on the agent\'s screen', async () => {
    const state = made.workspace();
    const { container } = made.runAgent('record', 'agent-screen.sh', ['-e', 'AGENTGATE_RECORD=true', '-v', `${state}:/home/agentgate/.claude`]);
    await waitFor(() => docker(['logs', container]).stdout.split('"msg":"recording started"').length > 2, 'two runs recorded', 30_000);
    const live = () => exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout.split('\n').map((l) => l.trimEnd()).join('\n').trimEnd();
    await waitFor(() => live().includes('top+3'), 'the second run drew its screen', 20_000);
    const dir = join(state, 'agentgate-recordings');
    const files = readdirSync(dir).filter((f) => f.endsWith('.cast')).sort();
    expect(files).toHaveLength(2);
    await waitFor(async () => (await replay(join(dir, files[1] as string))).screen.join('\n') === live(), 'the replay to match the live screen', 10_000, live);
    expect(statSync(join(dir, files[1] as string)).uid).toBe(1000);
  });

  it('caps the recordings\' total size in the state volume, removing the oldest', async () => {
    const state = made.workspace();
    const printer = 'sh -c "head -c 300000 /dev/zero | tr \'\\0\' x | fold -w 100; exit 1"';
    const container = made.name('record-cap');
    const ws = made.workspace();
    expect(docker(['run', '-d', '--name', container, ...HARDENING, '-v', `${ws}:/workspace`, '-v', `${state}:/home/agentgate/.claude`,
      '-e', `AGENTGATE_AGENT=${printer}`, '-e', 'AGENTGATE_RECORD=true', '-e', 'AGENTGATE_RECORD_MAX_MB=1', '-e', 'AGENTGATE_BACKOFF_INITIAL_MS=100',
      '-e', 'AGENTGATE_BACKOFF_MAX_MS=100', '-e', 'AGENTGATE_CRASH_LOOP_RESTARTS=1000', TEST_IMAGE]).status).toBe(0);
    await waitFor(() => docker(['logs', container]).stdout.split('"msg":"recording started"').length > 8, 'eight runs recorded', 60_000);
    const dir = join(state, 'agentgate-recordings');
    const files = readdirSync(dir).filter((f) => f.endsWith('.cast'));
    expect(files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0)).toBeLessThanOrEqual(1024 * 1024);
    expect(files.length).toBeLessThan(8);
  });

  it('runs the egress proxy as a subcommand of the same image, hardened, and refuses what is not listed', async () => {
    const container = made.name('proxy');
    expect(docker(['run', '-d', '--name', container, ...HARDENING, '-e', 'AGENTGATE_EGRESS_ALLOW=api.anthropic.com:443', TEST_IMAGE, 'proxy']).status).toBe(0);
    await waitFor(() => exec(container, ['curl', '-fsS', 'http://127.0.0.1:7433/readyz']).stdout.includes('"mode":"proxy"'), 'proxy health', 20_000);
    const denied = exec(container, ['curl', '-sS', '-o', '-', '-w', '%{http_code}', '-x', 'http://127.0.0.1:3128', 'http://metadata.internal/latest']);
    expect(denied.stdout).toMatch(/metadata\.internal:80 is denied: not on the allowlist\n403$/);
    expect(logEvents(container, 'egress denied')).toEqual([expect.objectContaining({ host: 'metadata.internal', port: 80, reason: 'not on the allowlist' })]);
    expect(exec(container, ['sh', '-c', 'grep -E "^CapEff" /proc/1/status']).stdout).toMatch(/CapEff:\s+0{16}/);
  });
});
