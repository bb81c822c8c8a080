import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE, SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

let sup: SupervisorProcess;
// Each undo is awaited in turn: a supervisor's cleanup ends its process tree before the next undo (an unmount) runs.
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
  await sup?.cleanup();
});

const errorLine = (s: SupervisorProcess) => s.logs.find((l) => l.level === 'error');

describe('startup checks', () => {
  it('exits 78 and lists every bad variable at once', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_RESTART: 'sometimes', AGENTGATE_HEALTH_PORT: 'eighty', AGENTGATE_STOP_GRACE_MS: '-5' } });
    expect((await sup.exited).code).toBe(78);
    expect(errorLine(sup)?.msg).toBe('invalid configuration');
    const problems = errorLine(sup)?.problems as string[];
    expect(problems).toContain('AGENTGATE_RESTART="sometimes": expected one of "always", "on-failure", "never"');
    expect(problems).toContain('AGENTGATE_HEALTH_PORT="eighty": expected an integer (decimal digits only)');
    expect(problems).toContain('AGENTGATE_STOP_GRACE_MS="-5": expected an integer (decimal digits only)');
    expect(errorLine(sup)?.exitCode).toBe(78);
    expect(errorLine(sup)?.hint).toMatch(/docs\/configuration\.md/);
  });

  it('exits 69 naming the fix when the workspace is missing', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_WORKSPACE: '/nonexistent/agentgate-ws', AGENTGATE_AGENT: 'agent-idle.sh' } });
    expect((await sup.exited).code).toBe(69);
    expect(errorLine(sup)).toMatchObject({ msg: 'start failed', exitCode: 69, error: 'workspace /nonexistent/agentgate-ws does not exist' });
    expect(errorLine(sup)?.hint).toMatch(/^mount your project there/);
  });

  it('exits 69 when the workspace is mounted read-only', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh', AGENTGATE_WORKSPACE: '/dev/null/x' }, args: ['true'] });
    await sup.exited;
    const ro = join(sup.root, 'ro-workspace');
    mkdirSync(ro);
    execFileSync('mount', ['--bind', ro, ro]);
    cleanups.push(() => spawnSync('umount', [ro]));
    execFileSync('mount', ['-o', 'remount,ro,bind', ro]);
    const s = await SupervisorProcess.start({ env: { AGENTGATE_WORKSPACE: ro, AGENTGATE_AGENT: 'agent-idle.sh' } });
    cleanups.push(() => s.cleanup());
    expect((await s.exited).code).toBe(69);
    expect(errorLine(s)).toMatchObject({ msg: 'start failed', hint: 'mount it read-write (drop ":ro")' });
    expect(errorLine(s)?.error).toMatch(/is not writable by uid 0 \(EROFS\): it is mounted read-only$/);
  });

  it('exits 69 with the --user fix when the workspace belongs to another uid (running as 1000)', async () => {
    sup = await SupervisorProcess.start({ uid: 1000, env: { AGENTGATE_AGENT: 'agent-idle.sh' }, args: ['true'] });
    await sup.exited;
    const foreign = join(sup.root, 'foreign');
    mkdirSync(foreign, { mode: 0o755 });
    chownSync(foreign, 4242, 4343);
    const s = await SupervisorProcess.start({ uid: 1000, env: { AGENTGATE_WORKSPACE: foreign, AGENTGATE_AGENT: 'agent-idle.sh' } });
    cleanups.push(() => s.cleanup());
    expect((await s.exited).code).toBe(69);
    expect(errorLine(s)).toMatchObject({ msg: 'start failed', error: `workspace ${foreign} is not writable by uid 1000 (EACCES): it belongs to uid 4242 but the agent runs as uid 1000` });
    expect(errorLine(s)?.hint).toContain('run as the owner with --user 4242:4343 (compose: AGENTGATE_UID=4242 AGENTGATE_GID=4343)');
  });

  it('runs the agent as uid 1000 on a workspace it owns', async () => {
    sup = await SupervisorProcess.start({ uid: 1000, env: { AGENTGATE_AGENT: 'agent-idle.sh' } });
    await sup.waitForLog('agent started');
    await waitFor(() => sup.readWorkspaceFile('.agent-starts'), 'agent wrote its start');
    expect(statSync(join(sup.workspace, '.agent-starts')).uid).toBe(1000);
    expect((await sup.health()).status).toBe(200);
  });

  it('warns when the workspace is not a mount point, and refuses in strict mode', async () => {
    sup = await SupervisorProcess.start({ args: ['true'] });
    expect((await sup.exited).code).toBe(0);
    expect(sup.logsOf('workspace not mounted')[0]).toMatchObject({ level: 'warn', path: sup.workspace, hint: expect.stringMatching(/^mount your project there/) });
    const strict = await SupervisorProcess.start({ env: { AGENTGATE_WORKSPACE_STRICT: 'true' }, args: ['true'] });
    cleanups.push(() => strict.cleanup());
    expect((await strict.exited).code).toBe(69);
    expect(errorLine(strict)).toMatchObject({ msg: 'start failed', hint: expect.stringMatching(/^mount your project there/) });
    expect(errorLine(strict)?.error).toMatch(/not a mount point.*\(AGENTGATE_WORKSPACE_STRICT is on\)/);
  });

  it('exits 69 when the agent binary is missing', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'no-such-agent --flag' } });
    expect((await sup.exited).code).toBe(69);
    expect(errorLine(sup)).toMatchObject({ msg: 'start failed', hint: 'install it or set AGENTGATE_AGENT' });
    expect(errorLine(sup)?.error).toMatch(/^agent "no-such-agent" not found or not executable on PATH /);
  });

  it('exits 69 when tmux is missing', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'agentgate-bin-'));
    cleanups.push(() => rmSync(bin, { recursive: true, force: true }));
    symlinkSync('/usr/bin/git', join(bin, 'git')); // git but no tmux
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh', PATH: bin } });
    expect((await sup.exited).code).toBe(69);
    expect(errorLine(sup)).toMatchObject({ msg: 'start failed', hint: 'install tmux >= 3.2' });
    expect(errorLine(sup)?.error).toMatch(/^tmux is not installed or not on PATH/);
  });

  it('keeps working when the health port is busy, and health still finds this supervisor', async () => {
    const blocker: Server = createServer();
    const port = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)));
    cleanups.push(() => blocker.close());
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh', AGENTGATE_HEALTH_PORT: String(port) } });
    const busy = await sup.waitForLog('health port busy');
    expect(busy).toMatchObject({ level: 'warn', port });
    await sup.waitForLog('agent started');
    // The runtime file names where it went; `health` reads it, as the image's HEALTHCHECK does.
    const url = readFileSync(join(sup.root, 'tmux', 'agentgate', 'health-url'), 'utf8').trim();
    expect(url).toBe(busy.url);
    expect(url).not.toBe(`http://127.0.0.1:${port}`);
    await waitFor(() => spawnSync(process.execPath, [BUNDLE, 'health'], { env: sup.env, encoding: 'utf8' }).status === 0, 'health via the runtime file');
    // tmux started before the port was known to be busy: started again, the agent's hooks post where health went.
    expect(sup.tmux(['show-environment', '-g', 'AGENTGATE_HOOK_URL']).stdout.trim()).toBe(`AGENTGATE_HOOK_URL=${url}/hooks`);
  });

  it('refuses, exit 69, to share a /tmp with another supervisor, and leaves the first one alone', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh' } });
    await sup.waitForLog('agent started');
    const urlFile = join(sup.root, 'tmux', 'agentgate', 'health-url');
    const firstUrl = readFileSync(urlFile, 'utf8');
    // A second container on the same /tmp (a pod's shared emptyDir), told to wait on start errors as compose does.
    const second = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh', TMUX_TMPDIR: join(sup.root, 'tmux'), AGENTGATE_ON_START_ERROR: 'wait' } });
    cleanups.push(() => second.cleanup());
    expect((await second.exited).code).toBe(69);
    expect(errorLine(second)?.msg).toBe('start failed');
    expect(errorLine(second)?.error).toMatch(/^another tmux server already listens on .*\/tmux-\d+\/default: another supervisor \(or tmux\) shares this \/tmp$/);
    expect(errorLine(second)?.hint).toMatch(/^give each agent container its own \/tmp/);
    expect(second.logsOf('agent started')).toHaveLength(0);
    expect(readFileSync(urlFile, 'utf8')).toBe(firstUrl);
    expect(spawnSync(process.execPath, [BUNDLE, 'health'], { env: sup.env, encoding: 'utf8' }).status).toBe(0);
  });

  it('starts over a tmux socket left by a dead server (a restarted container that kept its /tmp)', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh' } });
    await sup.waitForLog('agent started');
    // SIGKILL the whole namespace: nothing removes the socket file.
    process.kill(await sup.initPid(), 'SIGKILL');
    await sup.exited;
    const tmpDir = join(sup.root, 'tmux');
    const socketDir = readdirSync(tmpDir).find((d) => d.startsWith('tmux-')) as string;
    expect(existsSync(join(tmpDir, socketDir, 'default'))).toBe(true);
    const again = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh', TMUX_TMPDIR: tmpDir } });
    cleanups.push(() => again.cleanup());
    await again.waitForLog('agent started');
  });

  it('marks the workspace safe for git and sets the identity', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_GIT_NAME: 'Ada Agent', AGENTGATE_GIT_EMAIL: 'ada@example.com' }, args: ['sh', '-c', 'git config --global --get-all safe.directory; git config --global user.name; git config --global user.email'] });
    expect((await sup.exited).code).toBe(0);
    expect(sup.raw).toEqual(expect.arrayContaining([sup.workspace, 'Ada Agent', 'ada@example.com']));
    expect(readFileSync(join(sup.root, 'home', '.gitconfig'), 'utf8')).toContain(`directory = ${sup.workspace}`);

  });

  // A fresh HOME's config is written without a git process; git must read back exactly what was set, however odd.
  it('writes a new global config that git reads back exactly, and leaves an existing one to git', async () => {
    const odd = mkdtempSync(join(tmpdir(), 'agentgate-ws '));
    const workspace = join(odd, 'a #1; "q" \\b'); // no space at its end: a workspace path may not have one
    mkdirSync(workspace);
    const name = ' Ada "The" Agent; #1 \\ ';
    const show = ['sh', '-c', 'git config --global --get-all safe.directory; git config --global user.name'];
    try {
      sup = await SupervisorProcess.start({ workspace, env: { AGENTGATE_GIT_NAME: name }, args: show });
      expect((await sup.exited).code).toBe(0);
      expect(sup.raw.filter((line) => !line.startsWith('{'))).toEqual([workspace, name]);
      // Existing: git edits it, keeping what was there (and the workspace listed once).
      await sup.cleanup();
      const home = join(odd, 'home');
      mkdirSync(home);
      writeFileSync(join(home, '.gitconfig'), `[core]\n\teditor = vi\n[safe]\n\tdirectory = ${JSON.stringify(workspace)}\n`);
      sup = await SupervisorProcess.start({ workspace, env: { AGENTGATE_GIT_NAME: 'Bo', HOME: home }, args: [...show.slice(0, 2), `${show[2]}; git config --global core.editor`] });
      expect((await sup.exited).code).toBe(0);
      expect(sup.raw.filter((line) => !line.startsWith('{'))).toEqual([workspace, 'Bo', 'vi']);
    } finally {
      rmSync(odd, { recursive: true, force: true });
    }
  });

  it('exits 69 naming git and its config file when git cannot write it, before the agent starts; held under wait', async () => {
    const env = { AGENTGATE_AGENT: 'agent-idle.sh', GIT_CONFIG_GLOBAL: '/nonexistent/agentgate/gitconfig' };
    sup = await SupervisorProcess.start({ env });
    expect((await sup.exited).code).toBe(69);
    expect(errorLine(sup)).toMatchObject({ msg: 'start failed', error: expect.stringMatching(/^could not set git safe\.directory in \/nonexistent\/agentgate\/gitconfig: .*could not lock config file/) });
    expect(sup.logsOf('agent started')).toHaveLength(0);
    await sup.cleanup();
    sup = await SupervisorProcess.start({ env: { ...env, AGENTGATE_ON_START_ERROR: 'wait' } });
    await sup.waitForLog('failed start held');
    const health = await sup.health();
    expect(health.status).toBe(503);
    expect(health.body.checks.start.reason).toMatch(/could not set git safe\.directory/);
    expect(sup.logsOf('agent started')).toHaveLength(0);
    await sup.signal('SIGTERM');
    expect((await sup.exited).code).toBe(69);
  });

  it('uses a writable GIT_CONFIG_GLOBAL when HOME is read-only, keeping the mounted ~/.gitconfig', async () => {
    sup = await SupervisorProcess.start({ args: ['true'] });
    await sup.exited;
    const home = join(sup.root, 'ro-home');
    mkdirSync(home, { mode: 0o755 });
    writeFileSync(join(home, '.gitconfig'), '[alias]\n\tst = status\n');
    chmodSync(home, 0o555);
    chownSync(home, 4242, 4242); // owned by someone else and not writable: uid 1000 cannot write there
    const tmp = join(sup.root, 'tmp');
    mkdirSync(tmp);
    chownSync(tmp, 1000, 1000);
    const s = await SupervisorProcess.start({
      uid: 1000,
      env: { HOME: home, TMPDIR: tmp },
      args: ['sh', '-c', 'echo "global=$GIT_CONFIG_GLOBAL"; git config --global --get-all safe.directory; git config alias.st'],
    });
    cleanups.push(() => s.cleanup());
    expect((await s.exited).code).toBe(0);
    expect(s.raw.find((l) => l.startsWith('global='))).toMatch(/^global=.+\/agentgate-git\/gitconfig$/);
    expect(s.raw).toContain(s.workspace);
    expect(s.raw).toContain('status');
  });

  it('keep-alive mode runs no agent and stays up, healthy, until stopped', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'none' } });
    await sup.waitForLog('keep-alive started');
    const health = await waitFor(async () => (await sup.health()).status === 200 && sup.health(), 'healthy');
    expect(health.body).toMatchObject({ mode: 'keep-alive', status: 'ok', agentPid: null });
    expect((await sup.processes()).some((p) => p.cmdline.startsWith('tmux'))).toBe(false);
    await sup.signal('SIGTERM');
    expect(await sup.exited).toEqual({ code: 0, signal: null });
  });

  it('never prints the value of a secret variable', async () => {
    const secret = 'sk-ant-api03-SECRET-VALUE-1234567890';
    sup = await SupervisorProcess.start({
      env: {
        ANTHROPIC_API_KEY: secret,
        MY_DB_PASSWORD: 'hunter2-but-longer',
        AGENTGATE_AGENT: `agent-idle.sh ${secret}`,
        AGENTGATE_LOG_LEVEL: 'trace',
        AGENTGATE_HEALTH_PORT: 'not-a-port',
      },
    });
    expect((await sup.exited).code).toBe(78);
    const running = await SupervisorProcess.start({ env: { ANTHROPIC_API_KEY: secret, AGENTGATE_AGENT: `agent-idle.sh ${secret}`, AGENTGATE_LOG_LEVEL: 'trace' } });
    cleanups.push(() => running.cleanup());
    await running.waitForLog('agent started');
    await running.signal('SIGTERM');
    await running.exited;
    // The agent received it (it is its environment), but no output of the supervisor shows it.
    expect(running.logsOf('config loaded')).toHaveLength(1);
    for (const out of [sup.output, running.output]) {
      expect(out).not.toContain(secret);
      expect(out).not.toContain('hunter2-but-longer');
    }
  });

  it('copies a read-only credentials file into the state dir with mode 0600, keeping a newer copy', async () => {
    sup = await SupervisorProcess.start({ args: ['true'] });
    await sup.exited;
    const secretFile = join(sup.root, 'credentials.json');
    writeFileSync(secretFile, '{"token":"from-secret"}', { mode: 0o444 });
    const state = join(sup.root, 'state');
    const first = await SupervisorProcess.start({ env: { AGENTGATE_CREDENTIALS_FILE: secretFile, AGENTGATE_STATE_DIR: state, AGENTGATE_LOG_LEVEL: 'info' }, args: ['true'] });
    cleanups.push(() => first.cleanup());
    expect((await first.exited).code).toBe(0);
    const copy = join(state, '.credentials.json');
    expect(readFileSync(copy, 'utf8')).toBe('{"token":"from-secret"}');
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    expect(first.output).not.toContain('from-secret');
    // The agent refreshed its token: the state copy is newer and must survive the next start.
    writeFileSync(copy, '{"token":"refreshed"}');
    utimesSync(secretFile, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const second = await SupervisorProcess.start({ env: { AGENTGATE_CREDENTIALS_FILE: secretFile, AGENTGATE_STATE_DIR: state, AGENTGATE_LOG_LEVEL: 'info' }, args: ['true'] });
    cleanups.push(() => second.cleanup());
    await second.exited;
    expect(readFileSync(copy, 'utf8')).toBe('{"token":"refreshed"}');
    expect(second.logsOf('credentials kept')).toHaveLength(1);
  });

  it('copies a read-only host ~/.ssh owned by another uid into ~/.ssh with the modes ssh demands', async () => {
    sup = await SupervisorProcess.start({ args: ['true'] });
    await sup.exited;
    const hostSsh = join(sup.root, 'host-ssh');
    mkdirSync(hostSsh, { mode: 0o755 });
    writeFileSync(join(hostSsh, 'id_ed25519'), 'PRIVATE KEY', { mode: 0o644 });
    writeFileSync(join(hostSsh, 'id_ed25519.pub'), 'ssh-ed25519 AAAA', { mode: 0o644 });
    writeFileSync(join(hostSsh, 'id_rsa'), 'UNREADABLE', { mode: 0o600 });
    for (const f of ['', 'id_ed25519', 'id_ed25519.pub', 'id_rsa']) chownSync(join(hostSsh, f), 4242, 4242);
    const s = await SupervisorProcess.start({
      uid: 1000,
      env: { AGENTGATE_SSH_DIR: hostSsh, AGENTGATE_LOG_LEVEL: 'info' },
      args: ['sh', '-c', 'stat -c "%n %a %u" "$HOME/.ssh" "$HOME/.ssh/id_ed25519" "$HOME/.ssh/id_ed25519.pub"; cat "$HOME/.ssh/id_ed25519"'],
    });
    cleanups.push(() => s.cleanup());
    expect((await s.exited).code).toBe(0);
    const home = join(s.root, 'home');
    expect(s.raw).toEqual(expect.arrayContaining([`${home}/.ssh 700 1000`, `${home}/.ssh/id_ed25519 600 1000`, `${home}/.ssh/id_ed25519.pub 644 1000`, 'PRIVATE KEY']));
    expect(s.logsOf('ssh keys installed')[0]).toMatchObject({ files: 2 });
    const warning = s.logsOf('ssh key not installed').find((l) => String(l.file).endsWith('/id_rsa'));
    expect(warning).toMatchObject({ level: 'warn', code: 'EACCES', uid: 1000, ownerUid: 4242, reason: 'not readable by uid 1000' });
    expect(warning?.hint).toMatch(/run with --user 4242.*ssh agent/);
  });
});

describe('health and status subcommands', () => {
  it('health exits 0 with one line when healthy, 1 with the reason when not, and --json gives the report', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh' } });
    await sup.waitForLog('agent started');
    const run = (args: string[]) => spawnSync(process.execPath, [BUNDLE, ...args], { env: sup.env, encoding: 'utf8', timeout: 5000 });
    const healthy = await waitFor(() => {
      const r = run(['health']);
      return r.status === 0 && r;
    }, 'healthy probe');
    expect(healthy.stdout).toMatch(/^healthy: agent running as pid \d+, 0 restarts\n$/);
    const json = JSON.parse(run(['health', '--json']).stdout);
    expect(json).toMatchObject({ status: 'ok', checks: { session: { ok: true } } });
    expect(run(['status']).stdout).toMatch(/healthy \(agent mode, running/);
    await sup.signal('SIGTERM');
    await sup.exited;
    const down = run(['health']);
    expect(down.status).toBe(1);
    expect(down.stdout).toMatch(/^unhealthy: supervisor not answering on 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\n$/);
  });

  it('health --live answers for a supervisor that is up but unhealthy (the liveness probe), and fails once it is gone', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: '/nonexistent/agent', AGENTGATE_ON_START_ERROR: 'wait' } });
    await sup.waitForLog('failed start held', (l) => l.hint === 'fix the problem above, then recreate the container');
    const run = (args: string[]) => spawnSync(process.execPath, [BUNDLE, ...args], { env: sup.env, encoding: 'utf8', timeout: 5000 });
    const ready = run(['health']);
    expect(ready.status).toBe(1);
    const live = run(['health', '--live']);
    expect(live.status, live.stdout + live.stderr).toBe(0);
    expect(live.stdout).toMatch(/^alive: supervisor answers on 127\.0\.0\.1:\d+\n$/);
    await sup.signal('SIGTERM');
    await sup.exited;
    const gone = run(['health', '--live']);
    expect(gone.status).toBe(1);
    expect(gone.stdout).toMatch(/not answering .*ECONNREFUSED/);
  });

  it('health gives up within about 2 s when the endpoint never answers', async () => {
    const silent = createServer(() => undefined); // accepts connections, never replies
    const port = await new Promise<number>((r) => silent.listen(0, '127.0.0.1', () => r((silent.address() as { port: number }).port)));
    cleanups.push(() => silent.close());
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [BUNDLE, 'health'], { env: { ...process.env, AGENTGATE_HEALTH_PORT: String(port) }, encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(1);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.stdout).toMatch(/no answer within 1800 ms/);
  });
});
