import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE, SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

let sup: SupervisorProcess;
const clients: ChildProcess[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.kill('SIGKILL');
  await sup?.cleanup();
});

/** `agentgate attach` on a pseudo-terminal (util-linux `script`), as `docker exec -it <c> agentgate attach`. */
function attach(env: Record<string, string>, args: string[] = []): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn('script', ['-qfec', [process.execPath, BUNDLE, 'attach', ...args].join(' '), '/dev/null'], { env: { ...env, TERM: 'xterm' }, stdio: 'pipe' });
  clients.push(child);
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  return { child, output: () => output, exited: new Promise((r) => child.on('exit', (code) => r(code))) };
}

describe('command mode output', () => {
  it('leaves stdout to the command: nothing of the supervisor is mixed in', () => {
    const run = spawnSync(process.execPath, [BUNDLE, 'sh', '-c', 'echo \'{"a":1}\''], {
      env: { PATH: process.env.PATH, HOME: '/tmp', AGENTGATE_WORKSPACE: '/tmp', AGENTGATE_HEALTH_PORT: '1', AGENTGATE_SSH_DIR: '/nonexistent', AGENTGATE_CREDENTIALS_FILE: '/nonexistent' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('{"a":1}\n');
    // Quiet unless something is wrong: the only stderr lines are warnings. One is certain (the workspace, /tmp,
    // is not a mount point), so the check below has lines to look at.
    const lines = run.stderr.trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'workspace not mounted', path: '/tmp', hint: expect.stringMatching(/^mount your project there/) }));
    for (const line of lines) expect(line.level).toBe('warn');
  });
});

describe('command mode at a terminal', () => {
  it('prints its warnings as text above an interactive prompt, not as JSON', () => {
    const run = spawnSync('script', ['-qfec', `${process.execPath} ${BUNDLE} sh -c 'echo prompt'`, '/dev/null'], {
      env: { PATH: process.env.PATH, HOME: '/tmp', TERM: 'xterm', AGENTGATE_WORKSPACE: '/tmp', AGENTGATE_SSH_DIR: '/nonexistent', AGENTGATE_CREDENTIALS_FILE: '/nonexistent' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^\d\d:\d\d:\d\d warn +supervisor workspace not mounted path=\/tmp detail=.* hint=mount your project there/m);
    expect(run.stdout).not.toContain('{"level"');
    expect(run.stdout).toMatch(/^prompt\r?$/m);
  });
});

describe('errors for people', () => {
  it('prints a bad configuration as text with AGENTGATE_LOG_FORMAT=pretty, one line per variable', () => {
    const run = spawnSync(process.execPath, [BUNDLE], { env: { PATH: process.env.PATH, AGENTGATE_LOG_FORMAT: 'pretty', AGENTGATE_RESTART: 'sometimes', AGENTGATE_HEALTH_PORT: '1e3' }, encoding: 'utf8' });
    expect(run.status).toBe(78);
    expect(run.stderr).toBe(
      'agentgate: invalid configuration:\n' +
        '  - AGENTGATE_RESTART="sometimes": expected one of "always", "on-failure", "never"\n' +
        '  - AGENTGATE_HEALTH_PORT="1e3": expected an integer (decimal digits only)\n',
    );
  });

  it('prints usage errors of status and health as text', () => {
    const run = spawnSync(process.execPath, [BUNDLE, 'status', '--yaml'], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(run.status).toBe(64);
    expect(run.stderr).toMatch(/^agentgate: status takes no arguments, got "--yaml"\nusage: agentgate/);
  });

  it('keeps JSON for docker logs by default', () => {
    const run = spawnSync(process.execPath, [BUNDLE], { env: { PATH: process.env.PATH, AGENTGATE_RESTART: 'sometimes' }, encoding: 'utf8' });
    expect(run.status).toBe(78);
    expect(JSON.parse(run.stdout.trim().split('\n').pop() as string)).toMatchObject({ level: 'error', exitCode: 78 });
  });
});

describe('attach', () => {
  it('waits for the session right after the start, then attaches', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh' } });
    const client = attach(sup.env); // at once: the session does not exist yet
    await waitFor(() => sup.tmux(['list-clients', '-F', '#{client_session}']).stdout.trim() === 'agent', 'client attached', 15_000);
    await waitFor(() => client.output().includes('agent-idle pid'), 'agent screen');
    // The log says how to get in, once the agent is ready.
    expect(await sup.waitForLog('ready')).toMatchObject({ attach: expect.stringMatching(/^docker exec -it \S+ agentgate attach$/) });
  });

  it('says to add -it when it has no terminal (docker exec without -it), with exit code 64', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh' } });
    await sup.waitForLog('agent started');
    const run = spawnSync(process.execPath, [BUNDLE, 'attach'], { env: sup.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    expect(run.status).toBe(64);
    expect(run.stderr).toMatch(/^agentgate: attach needs a terminal, and this command has none: give docker exec -it .*: docker exec -it \S+ agentgate attach\n$/);
    expect(run.stderr).not.toContain('open terminal failed');
  });

  it('attaches read-only: keys typed do not reach the agent', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh' } });
    await sup.waitForLog('agent started');
    attach(sup.env, ['--read-only']);
    await waitFor(() => sup.tmux(['list-clients', '-F', '#{client_readonly}']).stdout.trim() === '1', 'read-only client');
  });

  it('says what exists in keep-alive mode instead of "no sessions"', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'none' } });
    await sup.waitForLog('keep-alive started');
    const client = attach(sup.env);
    expect(await client.exited).toBe(1);
    expect(client.output()).toContain('no agent session: this container runs in keep-alive mode (AGENTGATE_AGENT=none)');
  });

  it('names the sessions there are when its own does not appear', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh' } });
    await sup.waitForLog('agent started');
    const client = attach({ ...sup.env, AGENTGATE_SESSION: 'other' });
    expect(await client.exited).toBe(1);
    expect(client.output()).toMatch(/no tmux session "other" after 10 s \(sessions there: agent\)/);
  }, 30_000);
});

describe('a start that needs a fix', () => {
  it('waits, unhealthy with the reason, under AGENTGATE_ON_START_ERROR=wait, then exits with its code on a stop', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_ON_START_ERROR: 'wait', AGENTGATE_RESTART: 'sometimes' } });
    await sup.waitForLog('failed start held', (l) => l.hint === 'fix the problem above, then recreate the container');
    const health = await sup.health();
    expect(health.status).toBe(503);
    expect(health.body.phase).toBe('failed');
    expect(health.body.checks.start.reason).toMatch(/^start failed: invalid configuration: +- AGENTGATE_RESTART="sometimes"/);
    const status = spawnSync(process.execPath, [BUNDLE, 'status'], { env: sup.env, encoding: 'utf8' });
    expect(status.stdout).toContain('FAIL start');
    await sup.signal('SIGTERM');
    expect((await sup.exited).code).toBe(78);
  });
});
