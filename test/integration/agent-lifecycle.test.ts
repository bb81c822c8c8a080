import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const fast = { AGENTGATE_BACKOFF_INITIAL_MS: '100', AGENTGATE_BACKOFF_JITTER: '0', AGENTGATE_STOP_GRACE_MS: '2000' };
let sup: SupervisorProcess;
afterEach(async () => sup?.cleanup());

describe('agent mode: the agent in its tmux session', () => {
  it('runs the agent in session "agent" on the default socket, where a second client sees its output', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-idle.sh' } });
    const started = await sup.waitForLog('agent started');
    expect(started.session).toBe('agent');
    // No -S or -L: the default socket under TMUX_TMPDIR, as `docker exec <c> tmux attach -t agent` uses.
    const pane = await waitFor(() => {
      const p = sup.tmux(['capture-pane', '-p', '-t', 'agent']);
      return p.stdout.includes('agent-idle pid') && p;
    }, 'agent output in the pane');
    expect(pane.status).toBe(0);
    expect(sup.tmux(['list-sessions', '-F', '#{session_name}']).stdout.trim()).toBe('agent');
    const env = sup.tmux(['show-environment', '-g', 'LANG']).stdout.trim();
    expect(env).toBe('LANG=C.UTF-8');
    const term = sup.tmux(['display-message', '-p', '-t', 'agent', '#{default-terminal}']).stdout.trim();
    expect(term).toMatch(/^(tmux|screen)-256color$/);
    const health = await sup.health();
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', agentPid: expect.any(Number), restarts: 0, version: expect.any(String) });
  });

  it.each([
    ['exits 0', ['agent-exit.sh 0 0.2'], { code: 0, signal: null }],
    ['exits 1', ['agent-exit.sh 1 0.2'], { code: 1, signal: null }],
    ['exits 137', ['agent-exit.sh 137 0.2'], { code: 137, signal: null }],
    ['is killed by SIGKILL', ['agent-kill-self.sh KILL'], { code: null, signal: 'SIGKILL' }],
    ['is killed by SIGSEGV', ['agent-kill-self.sh SEGV'], { code: null, signal: 'SIGSEGV' }],
  ])('restarts an agent that %s and records how it ended', async (_name, [agent], expected) => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: agent as string } });
    const exited = await sup.waitForLog('agent exited');
    expect(exited).toMatchObject({ ...expected, reason: 'exited', runMs: expect.any(Number) });
    expect(await sup.waitForLog('restart scheduled')).toMatchObject({ inMs: 100, attempt: 1 });
    await sup.waitForLog('agent started', (l) => l.restarts === 1);
    const report = await waitFor(async () => {
      const h = await sup.health();
      return h.body.restarts >= 1 && h.body.lastExit && h;
    }, 'health counting the restart');
    expect(report.body.lastExit).toMatchObject({ code: expected.code, signal: expected.signal });
  });

  it('shows a dead pane to attached clients, then the restarted agent in the same session', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_BACKOFF_INITIAL_MS: '1500', AGENTGATE_AGENT: 'agent-exit.sh 3 0.3' } });
    await sup.waitForLog('restart scheduled');
    const dead = sup.tmux(['list-panes', '-t', 'agent', '-F', '#{pane_dead} #{pane_dead_status}']).stdout.trim();
    expect(dead).toBe('1 3');
    expect(sup.tmux(['capture-pane', '-p', '-t', 'agent']).stdout).toMatch(/agent exited \(status 3\)/);
    await sup.waitForLog('agent started', (l) => l.restarts === 1);
    expect(sup.tmux(['list-panes', '-t', 'agent', '-F', '#{pane_dead}']).stdout.trim()).toBe('0');
  });

  it('recovers when a user kills the session', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-idle.sh' } });
    const first = await sup.waitForLog('agent started');
    expect(sup.tmux(['kill-session', '-t', 'agent']).status).toBe(0);
    expect(await sup.waitForLog('agent exited')).toMatchObject({ reason: 'session killed', pid: first.pid });
    await sup.waitForLog('agent started', (l) => l.restarts === 1);
    await waitFor(() => sup.tmux(['has-session', '-t', 'agent']).status === 0, 'session back');
    expect((await sup.processes()).filter((p) => p.pid === first.pid)).toEqual([]);
  });

  // Another session closing wakes the supervisor (tmux's session-closed hook); a look at the agent's pane that then
  // gets no answer (a server too busy to answer within the client's 5 s deadline, here a frozen one) said the session
  // was killed, and the running agent was SIGKILLed and restarted: its conversation lost.
  it('keeps a running agent when the look after a wake gets no answer from a frozen tmux server, and looks again', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-idle.sh' } });
    const first = await sup.waitForLog('agent started');
    const processes = await sup.processes();
    const server = processes.find((p) => p.cmdline === 'tmux -D');
    const channel = processes.map((p) => /wait-for (agentgate-\S+)$/.exec(p.cmdline)?.[1]).find((c) => c !== undefined);
    expect(server && channel).toBeTruthy();
    // The wake, then the server frozen before the supervisor's look can be answered.
    expect(sup.tmux(['wait-for', '-S', channel!]).status).toBe(0);
    process.kill(server!.pid, 'SIGSTOP');
    try {
      // Its look (a list-panes client) gets no answer until the deadline kills it; then it looks again (another client).
      const looks = new Set<number>();
      await waitFor(async () => {
        for (const p of await sup.processes()) if (p.cmdline.includes('list-panes')) looks.add(p.pid);
        return looks.size >= 2 || sup.logsOf('agent exited').length > 0;
      }, 'a second look at the pane', 15_000);
    } finally {
      process.kill(server!.pid, 'SIGCONT');
    }
    await waitFor(async () => (await sup.health()).status === 200, 'the supervisor healthy again');
    expect(sup.logsOf('agent exited')).toEqual([]);
    expect((await sup.health()).body).toMatchObject({ agentPid: first.pid, restarts: 0 });
    // And it still notices the agent's real end.
    expect(sup.tmux(['kill-session', '-t', 'agent']).status).toBe(0);
    expect(await sup.waitForLog('agent exited')).toMatchObject({ reason: 'session killed', pid: first.pid });
  });

  it('recovers when the tmux server is killed', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-idle.sh' } });
    await sup.waitForLog('agent started');
    const server = (await sup.processes()).find((p) => p.cmdline === 'tmux -D');
    expect(server).toBeDefined();
    process.kill(server!.pid, 'SIGKILL');
    expect(await sup.waitForLog('agent exited')).toMatchObject({ reason: 'tmux server died' });
    await sup.waitForLog('agent started', (l) => l.restarts === 1);
    await waitFor(() => sup.tmux(['has-session', '-t', 'agent']).status === 0, 'session back on a new server');
    const servers = (await sup.processes()).filter((p) => p.cmdline.startsWith('tmux -D'));
    expect(servers.map((s) => s.state).filter((s) => s !== 'Z')).toHaveLength(1);
  });

  it('ends with the agent\'s exit code under AGENTGATE_RESTART=never', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_RESTART: 'never', AGENTGATE_AGENT: 'agent-exit.sh 5' } });
    expect(await sup.exited).toEqual({ code: 5, signal: null });
    expect(sup.logsOf('restart policy ends supervisor')).toHaveLength(1);
  });

  it('ends with 128+N under "never" when the agent dies of signal N', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_RESTART: 'never', AGENTGATE_AGENT: 'agent-kill-self.sh TERM' } });
    expect(await sup.exited).toEqual({ code: 143, signal: null });
  });

  it('restarts failures and ends on success under AGENTGATE_RESTART=on-failure', async () => {
    sup = await SupervisorProcess.start({
      env: { ...fast, AGENTGATE_RESTART: 'on-failure', AGENTGATE_AGENT: 'agent-flaky.sh' },
      files: { '.crash': '' },
    });
    expect(await sup.waitForLog('agent exited')).toMatchObject({ code: 1 });
    rmSync(join(sup.workspace, '.crash'));
    await sup.waitForLog('agent started', (l) => Number(l.restarts) >= 1);
    const agent = await waitFor(async () => (await sup.processes()).find((p) => p.cmdline.includes('agent-flaky.sh') && p.state === 'S'), 'running agent');
    process.kill(agent.pid, 'SIGTERM'); // the agent ends by itself with 0
    expect(await sup.exited).toEqual({ code: 0, signal: null });
    expect(sup.logsOf('restart policy ends supervisor')[0]).toMatchObject({ exitCode: 0, policy: 'on-failure' });
  });
});
