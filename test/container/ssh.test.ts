import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContainers, exec, logEvents, requireEngine } from '../helpers/containers.js';
import { HARDENING, TEST_IMAGE, docker } from '../helpers/docker.js';
import { FIXTURES, freePort } from '../helpers/supervisor-process.js';
import { acceptsConnections } from '../helpers/net.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
const keys = mkdtempSync(join(tmpdir(), 'agentgate-ssh-keys-'));
const tmuxSocket = `agentgate-ssh-test-${process.pid}`;
afterAll(() => {
  spawnSync('tmux', ['-L', tmuxSocket, 'kill-server']);
  made.cleanup();
});

function keygen(name: string): string {
  const path = join(keys, name);
  expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@test`, '-f', path]).status).toBe(0);
  return path;
}

/** The real ssh client, with no system or user configuration in the way. */
function sshArgs(port: number, key: string, extra: string[] = []): string[] {
  return ['-F', '/dev/null', '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=accept-new',
    '-o', `UserKnownHostsFile=${join(keys, 'known_hosts')}`, '-o', 'ConnectTimeout=5', '-i', key, '-p', String(port), ...extra, 'agentgate@127.0.0.1'];
}
const ssh = (port: number, key: string, extra: string[] = [], command: string[] = []) =>
  spawnSync('ssh', [...sshArgs(port, key, extra), ...command], { encoding: 'utf8', timeout: 20_000 });

/** An interactive ssh client in a tmux window of the test's own, read with capture-pane. */
function interactive(name: string, port: number, key: string): { screen: () => string; keys: (...k: string[]) => void } {
  const command = ['ssh', '-tt', ...sshArgs(port, key)].map((a) => `'${a}'`).join(' ');
  const has = spawnSync('tmux', ['-L', tmuxSocket, 'has-session']).status === 0;
  spawnSync('tmux', ['-L', tmuxSocket, has ? 'new-window' : 'new-session', ...(has ? [] : ['-d', '-x', '200', '-y', '50']), ...(has ? ['-d'] : []), '-n', name, command]);
  // A client that ends stays on screen with its last words ("Connection ... closed").
  if (!has) spawnSync('tmux', ['-L', tmuxSocket, 'set-option', '-g', 'remain-on-exit', 'on']);
  return {
    screen: () => spawnSync('tmux', ['-L', tmuxSocket, 'capture-pane', '-p', '-t', `:=${name}`], { encoding: 'utf8' }).stdout,
    keys: (...k: string[]) => void spawnSync('tmux', ['-L', tmuxSocket, 'send-keys', '-t', `:=${name}`, ...k]),
  };
}

describe.skipIf(!reachable)('SSH straight into the agent session', () => {
  let port = 0;
  let container = '';
  let state = '';
  let rw = '';
  let ro = '';
  let wrong = '';
  let authorized = '';
  let readOnly = '';

  beforeAll(async () => {
    rw = keygen('rw');
    ro = keygen('ro');
    wrong = keygen('wrong');
    authorized = join(keys, 'authorized');
    readOnly = join(keys, 'readonly');
    writeFileSync(authorized, readFileSync(`${rw}.pub`));
    writeFileSync(readOnly, readFileSync(`${ro}.pub`));
    for (const f of [authorized, readOnly]) chmodSync(f, 0o644);
    chmodSync(keys, 0o755);
    state = mkdtempSync(join(tmpdir(), 'agentgate-ssh-state-'));
    chownSync(state, 1000, 1000);
    made.track(state);
    made.track(keys);
    port = await freePort();
    container = start('ssh');
    await waitFor(() => docker(['logs', container]).stdout.includes('"msg":"ssh listening"'), 'sshd listening', 30_000, () => docker(['logs', container]).stdout);
  });

  function start(label: string, extra: string[] = [], sshPort = port): string {
    const name = made.name(label);
    const ws = made.workspace();
    const hostNet = HARDENING.filter((f, i, all) => f !== '--network' && all[i - 1] !== '--network');
    const r = docker(['run', '-d', '--name', name, ...hostNet, '--network', 'host',
      '-v', `${ws}:/workspace`, '-v', `${state}:/home/agentgate/.claude`, '-v', `${FIXTURES}:/fixtures:ro`,
      '-v', `${authorized}:/run/secrets/ssh_authorized_keys:ro`, '-v', `${readOnly}:/run/secrets/ssh_readonly_keys:ro`,
      '-e', 'AGENTGATE_AGENT=/fixtures/agent-idle.sh', '-e', `AGENTGATE_SSH_PORT=${sshPort}`, '-e', `AGENTGATE_HEALTH_PORT=${sshPort + 1}`,
      '-e', 'AGENTGATE_BACKOFF_INITIAL_MS=200', '-e', 'AGENTGATE_STOP_GRACE_MS=3000', ...extra, TEST_IMAGE]);
    expect(r.status, r.stderr).toBe(0);
    return name;
  }

  it('lands a key login in the agent session; two clients at once; a read-only one cannot type', async () => {
    const writer = interactive('writer', port, rw);
    await waitFor(() => writer.screen().includes('agent-idle pid'), 'the agent on the ssh screen', 30_000, writer.screen);
    const observer = interactive('observer', port, ro);
    await waitFor(() => observer.screen().includes('agent-idle pid'), 'the agent on the observer screen', 30_000, observer.screen);
    const clients = () => exec(container, ['tmux', 'list-clients', '-F', '#{client_readonly}']).stdout.trim().split('\n').sort();
    await waitFor(() => clients().join(',') === '0,1', 'one writer and one read-only client', 10_000, () => clients().join(','));
    observer.keys('observer-typed', 'Enter');
    writer.keys('writer-typed');
    await waitFor(() => writer.screen().includes('writer-typed'), 'the writer\'s keys reach the pane');
    expect(exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout).not.toContain('observer-typed');
    expect(logEvents(container, 'ssh login')).toEqual(expect.arrayContaining([expect.objectContaining({ address: '127.0.0.1', method: 'publickey' })]));
  });

  it('gives a read-write login the agent and nothing else: no window, no command prompt, no run-shell, no chooser; in UTF-8', async () => {
    const bystander = interactive('bystander', port, ro);
    const hostile = interactive('hostile', port, rw);
    for (const client of [bystander, hostile]) await waitFor(() => client.screen().includes('agent-idle pid'), 'attached', 30_000, client.screen);
    const windows = () => exec(container, ['tmux', 'list-windows', '-a', '-F', '#{window_id}']).stdout.trim().split('\n').sort();
    const clients = () => exec(container, ['tmux', 'list-clients', '-F', '#{client_pid}']).stdout.trim().split('\n').filter(Boolean).length;
    const windowsBefore = windows();
    const clientsBefore = clients();
    // tmux's own ways out: a new window, the command prompt with run-shell, choosers, detaching other clients.
    hostile.keys('C-b', 'c');
    hostile.keys('C-b', ':');
    hostile.keys('-l', 'run-shell "id > /workspace/pwned"');
    hostile.keys('Enter');
    for (const key of ['s', 'w', 'D', '&']) hostile.keys('C-b', key);
    hostile.keys('y');
    hostile.keys('-l', 'typed-last');
    // Keys are handled in order: once the last one shows in the agent's pane, every one before it was handled.
    const pane = () => exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent:']).stdout;
    await waitFor(() => pane().includes('typed-last'), 'the keys reach the agent', 10_000, pane);
    expect(pane()).toContain('run-shell "id > /workspace/pwned"');
    expect(exec(container, ['test', '-e', '/workspace/pwned']).status).not.toBe(0);
    expect(windows()).toEqual(windowsBefore);
    expect(clients()).toBe(clientsBefore);
    expect(exec(container, ['tmux', 'display-message', '-p', '-t', 'agent:', '#{pane_in_mode}']).stdout.trim()).toBe('0');
    // A chooser left open over the agent's pane (by someone with docker exec) would take commands from any client.
    exec(container, ['tmux', 'choose-tree', '-t', 'agent:']);
    await waitFor(() => exec(container, ['tmux', 'display-message', '-p', '-t', 'agent:', '#{pane_in_mode}']).stdout.trim() === '0', 'the chooser closed', 10_000);
    // UTF-8 reaches the SSH client as it is (it was "_" without a locale).
    expect(exec(container, ['tmux', 'list-clients', '-F', '#{client_utf8}']).stdout.trim().split('\n')).not.toContain('0');
    exec(container, ['tmux', 'send-keys', '-t', 'agent:', '-l', 'grüße, 世界']);
    await waitFor(() => hostile.screen().includes('grüße, 世界'), 'non-ASCII on the SSH screen', 10_000, hostile.screen);
  });

  it('lets 20 logins in at the same moment, each one tmux itself with no node process behind it', async () => {
    const clients = () => exec(container, ['tmux', 'list-clients', '-F', '#{client_pid}']).stdout.trim().split('\n').filter(Boolean).length;
    const before = clients();
    const errors: string[] = [];
    const logins = Array.from({ length: 20 }, (_, i) => {
      const login = spawn('ssh', ['-tt', ...sshArgs(port, rw)], { stdio: ['pipe', 'ignore', 'pipe'], env: { ...process.env, TERM: 'xterm' } });
      login.stderr.on('data', (d) => (errors[i] = `${errors[i] ?? ''}${d}`));
      return login;
    });
    try {
      await waitFor(() => clients() - before >= 20 || errors.some((e) => /reset|closed|refused/i.test(e ?? '')), '20 logins attached', 60_000, () => `${clients() - before} attached; ${errors.join(' | ')}`);
      expect(errors.join(' | ')).not.toMatch(/reset|closed|refused/i);
      expect(clients() - before).toBe(20);
      const ps = exec(container, ['ps', '-eo', 'pid=,ppid=,rss=,args=']).stdout.trim().split('\n').map((line) => {
        const [pid, ppid, rss, ...args] = line.trim().split(/\s+/);
        return { pid: Number(pid), ppid: Number(ppid), rssKiB: Number(rss), args: args.join(' ') };
      });
      // What each login costs: the processes under its sshd session process (sshd's own are shared by all).
      const sessionPids = new Set(ps.filter((p) => /^sshd: agentgate@pts/.test(p.args)).map((p) => p.pid));
      const perLogin = ps.filter((p) => sessionPids.has(p.ppid));
      console.info(`per login: ${perLogin.slice(0, 3).map((p) => `${p.args.slice(0, 60)} ${p.rssKiB} KiB`).join('; ')}`);
      expect(perLogin.filter((p) => /node|supervisor\.cjs/.test(p.args))).toEqual([]);
      // Every attached client (these 20 and the earlier tests' logins) is a login's own process.
      expect(perLogin.filter((p) => /^tmux .*attach-session/.test(p.args)).length).toBe(clients());
    } finally {
      for (const login of logins) login.kill('SIGKILL');
    }
  });

  it('says to add -it to docker exec instead of tmux\'s "not a terminal"; a window of one\'s own starts with clean dispositions', async () => {
    const attach = exec(container, ['agentgate', 'attach']);
    expect(attach.status).toBe(64);
    expect(attach.stderr).toContain(`docker exec -it`);
    expect(attach.stderr).not.toContain('open terminal failed');
    const made = exec(container, ['tmux', 'new-window', '-d', '-t', 'agent:', 'grep -E "^SigIgn" /proc/self/status > /tmp/window-signals; sleep 600']);
    expect(made.status, made.stderr).toBe(0);
    await waitFor(() => exec(container, ['cat', '/tmp/window-signals']).stdout.includes('SigIgn'), 'the window wrote its dispositions', 10_000);
    expect(exec(container, ['cat', '/tmp/window-signals']).stdout).toMatch(/^SigIgn:\s+0{16}$/m);
  });

  it('refuses a wrong key, a password, a command and port forwarding, and logs the failures without keys', async () => {
    const wrongKey = ssh(port, wrong, [], ['true']);
    expect(wrongKey.status).toBe(255);
    expect(wrongKey.stderr).toContain('Permission denied (publickey)');
    const password = ssh(port, wrong, ['-o', 'PreferredAuthentications=password,keyboard-interactive', '-o', 'PubkeyAuthentication=no']);
    expect(password.status).toBe(255);
    expect(password.stderr).toContain('Permission denied (publickey)');
    const command = ssh(port, rw, [], ['cat', '/etc/passwd']);
    expect(command.status).toBe(1);
    expect(command.stderr).toContain('commands are refused');
    expect(command.stdout).not.toContain('root:');
    // -L: the tunnel opens on the client, but the server refuses every channel through it.
    const local = await freePort();
    const tunnel = spawn('ssh', [...sshArgs(port, rw, ['-N', '-L', `${local}:127.0.0.1:${port + 1}`])], { stdio: ['ignore', 'ignore', 'pipe'] });
    let tunnelErr = '';
    tunnel.stderr.on('data', (d) => (tunnelErr += d));
    try {
      await waitFor(async () => (await acceptsConnections(local)) || tunnelErr !== '', 'tunnel up or refused', 10_000);
      const through = spawnSync('curl', ['-s', '-m', '3', `http://127.0.0.1:${local}/livez`], { encoding: 'utf8' });
      expect(through.stdout).not.toContain('"status":"ok"');
    } finally {
      tunnel.kill('SIGKILL');
    }
    const logs = docker(['logs', container]).stdout;
    expect(logEvents(container, 'ssh login failed')).toEqual(expect.arrayContaining([expect.objectContaining({ address: '127.0.0.1', reason: expect.any(String) })]));
    for (const key of [rw, ro, wrong]) expect(logs).not.toContain(readFileSync(`${key}.pub`, 'utf8').split(' ')[1]);
  });

  it('keeps SSH clients through an agent restart, and restarts a killed sshd', async () => {
    const viewer = interactive('viewer', port, rw);
    await waitFor(() => viewer.screen().includes('agent-idle pid'), 'attached', 30_000, viewer.screen);
    exec(container, ['pkill', '-KILL', '-f', 'agent-idle.sh']);
    await waitFor(() => (viewer.screen().match(/agent-idle pid/g) ?? []).length >= 1 && docker(['logs', container]).stdout.includes('"restarts":1'), 'the restarted agent', 30_000, viewer.screen);
    expect(viewer.screen()).toContain('agent-idle pid');
    exec(container, ['pkill', '-KILL', '-f', 'sshd -D']);
    const killed = exec(container, ['ps', '-eo', 'pid,args']).stdout;
    await waitFor(() => docker(['logs', container]).stdout.includes('"msg":"sshd exited"'), 'sshd restarted', 20_000, () => `${killed}\n${docker(['logs', '--tail', '8', container]).stdout}`);
    await waitFor(() => ssh(port, rw, [], ['true']).stderr.includes('commands are refused'), 'sshd answers again', 20_000);
  });

  it('keeps its host key when the container is re-created on the same state, and stops within its budget with clients attached', async () => {
    interactive('last', port, rw);
    await waitFor(() => exec(container, ['tmux', 'list-clients']).stdout.trim() !== '', 'a client attached', 30_000);
    const t0 = Date.now();
    expect(docker(['stop', '-t', '10', container]).status).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000 + 1000); // budget: grace 3 s + 2 s
    docker(['rm', '-f', container]);
    container = start('ssh-again');
    await waitFor(() => docker(['logs', container]).stdout.includes('"msg":"ssh listening"'), 'sshd listening again', 30_000);
    // Strict checking against the key seen before: a new host key would be refused here.
    const again = ssh(port, rw, ['-o', 'StrictHostKeyChecking=yes'], ['true']);
    expect(again.stderr).toContain('commands are refused');
    expect(again.stderr).not.toMatch(/HOST IDENTIFICATION HAS CHANGED/);
  });

  it('never leaves a login in a window other than the agent\'s: the agent\'s window killed ends the login; a new login reaches the agent', async () => {
    const ownPort = await freePort();
    const own = start('ssh-window', [], ownPort);
    await waitFor(() => docker(['logs', own]).stdout.includes('"msg":"ssh listening"'), 'sshd listening', 30_000);
    const session = interactive('window-killed', ownPort, rw);
    await waitFor(() => session.screen().includes('agent-idle pid'), 'attached', 30_000, session.screen);
    // Someone with docker exec opens a shell window in the agent's session, then kills the agent's window.
    const shellWindow = exec(own, ['tmux', 'new-window', '-d', '-t', 'agent:', '-P', '-F', '#{window_id}', 'echo a-shell-window; exec bash']).stdout.trim();
    expect(shellWindow).toMatch(/^@\d+$/);
    const agentWindow = exec(own, ['tmux', 'display-message', '-p', '-t', 'agent:', '#{window_id}']).stdout.trim();
    expect(exec(own, ['tmux', 'kill-window', '-t', agentWindow]).status).toBe(0);
    await waitFor(() => /Connection to 127\.0\.0\.1 closed|closed by remote host/.test(session.screen()), 'the SSH session ended', 20_000, session.screen);
    expect(session.screen()).not.toContain('a-shell-window');
    const again = interactive('window-again', ownPort, rw);
    await waitFor(() => again.screen().includes('agent-idle pid'), 'a new login sees the restarted agent', 30_000, again.screen);
    expect(again.screen()).not.toContain('a-shell-window');
    // The agent came back in a new window of its session: the person's window is still there, the server the same.
    expect(exec(own, ['tmux', 'display-message', '-p', '-t', shellWindow, '#{window_id}']).stdout.trim()).toBe(shellWindow);
    expect(docker(['logs', own]).stdout).not.toContain('replacing its server');
  });

  it('ends SSH sessions when the agent exits under AGENTGATE_SSH_ON_AGENT_EXIT=end; a new login reaches the restarted agent', async () => {
    const endPort = await freePort();
    const ending = start('ssh-end', ['-e', 'AGENTGATE_SSH_ON_AGENT_EXIT=end'], endPort);
    await waitFor(() => docker(['logs', ending]).stdout.includes('"msg":"ssh listening"'), 'sshd listening', 30_000);
    const session = interactive('ending', endPort, rw);
    await waitFor(() => session.screen().includes('agent-idle pid'), 'attached', 30_000, session.screen);
    exec(ending, ['pkill', '-KILL', '-f', 'agent-idle.sh']);
    await waitFor(() => /Connection to 127\.0\.0\.1 closed|closed by remote host/.test(session.screen()), 'the SSH session ended', 20_000, session.screen);
    const again = interactive('again', endPort, rw);
    await waitFor(() => again.screen().includes('agent-idle pid'), 'a new login sees the restarted agent', 30_000, again.screen);
  });
});
