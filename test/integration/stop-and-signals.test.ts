import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const fast = { AGENTGATE_BACKOFF_INITIAL_MS: '100', AGENTGATE_BACKOFF_JITTER: '0' };
let sup: SupervisorProcess;
const clients: ChildProcess[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.kill('SIGKILL');
  await sup?.cleanup();
});

/** A real attached client on a pseudo-terminal (util-linux `script`), as `docker exec -it <c> tmux attach -t agent`. */
function attachClient(s: SupervisorProcess): ChildProcess {
  const client = spawn('script', ['-qfec', 'tmux attach -t agent', '/dev/null'], { env: { ...s.env, TERM: 'xterm' }, stdio: 'pipe' });
  clients.push(client);
  return client;
}

describe('stopping', () => {
  it('stops a cooperative agent gracefully on SIGTERM and exits 0', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-idle.sh', AGENTGATE_STOP_GRACE_MS: '5000' } });
    await sup.waitForLog('agent started');
    await waitFor(() => sup.readWorkspaceFile('.agent-starts'), 'agent running');
    const t0 = Date.now();
    await sup.signal('SIGTERM');
    expect(await sup.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(5000); // well within the grace: it did not wait for a kill
    expect(sup.readWorkspaceFile('.agent-got-term')).toMatch(/^term \d+/);
    const events = sup.logs.map((l) => l.msg);
    expect(events).toEqual(expect.arrayContaining(['stop requested', 'stopping', 'agent exited', 'stopped']));
    expect(sup.logsOf('stopped')[0]).toMatchObject({ exitCode: 0 });
  });

  it.each(['SIGINT', 'SIGHUP', 'SIGQUIT'] as const)('treats %s as a stop request', async (signal) => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-idle.sh' } });
    await sup.waitForLog('agent started');
    await waitFor(() => sup.readWorkspaceFile('.agent-starts'), 'agent running');
    await sup.signal(signal);
    expect(await sup.exited).toEqual({ code: 0, signal: null });
    expect(sup.logsOf('stop requested')[0]).toMatchObject({ signal });
  });

  it('kills an agent that ignores SIGTERM, and its children, after the grace; exits 137', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-ignore-term.sh', AGENTGATE_STOP_GRACE_MS: '700' } });
    await sup.waitForLog('agent started');
    await waitFor(() => sup.readWorkspaceFile('.stubborn-pids'), 'stubborn agent and child');
    const stubborn = (await sup.processes()).filter((p) => p.cmdline.includes('sleep 4101') || p.cmdline.includes('agent-ignore-term'));
    expect(stubborn.length).toBeGreaterThanOrEqual(2);
    const t0 = Date.now();
    await sup.signal('SIGTERM');
    expect(await sup.exited).toEqual({ code: 137, signal: null });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(650);
    // The supervisor saw the agent and its child gone itself, before the namespace teardown would have.
    expect(sup.logsOf('agent killed')[0]).toMatchObject({ reason: 'grace exceeded', graceMs: 700, gone: true });
    expect(Number(sup.logsOf('agent killed')[0]?.processes)).toBeGreaterThanOrEqual(2);
  });

  it('forces the stop at once on a second signal', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-ignore-term.sh', AGENTGATE_STOP_GRACE_MS: '30000' } });
    await sup.waitForLog('agent started');
    await waitFor(() => sup.readWorkspaceFile('.stubborn-pids'), 'stubborn agent');
    await sup.signal('SIGTERM');
    await sup.waitForLog('stopping');
    const t0 = Date.now();
    await sup.signal('SIGTERM');
    expect(await sup.exited).toEqual({ code: 137, signal: null });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(sup.logsOf('stop forced')).toHaveLength(1);
    expect(sup.logsOf('agent killed')[0]).toMatchObject({ reason: 'second signal' });
  });

  it('stops at once during a backoff wait', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-exit.sh 1', AGENTGATE_BACKOFF_INITIAL_MS: '60000', AGENTGATE_BACKOFF_JITTER: '0' } });
    await sup.waitForLog('restart scheduled', (l) => l.inMs === 60000);
    const t0 = Date.now();
    await sup.signal('SIGTERM');
    expect(await sup.exited).toEqual({ code: 0, signal: null });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(sup.logsOf('agent started')).toHaveLength(1);
  });

  it('leaves no zombie and no orphan behind when the agent spawns orphans', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-orphans.sh' }, files: { '.crash': '2' } });
    // The first two generations crash, the third idles.
    await sup.waitForLog('agent started', (l) => l.restarts === 2);
    await waitFor(async () => (await sup.processes()).some((p) => p.cmdline === 'sleep 4202'), 'orphans of the latest agent');
    // Nothing left behind: a process that has just ended may be a zombie for the moment before its parent (tini,
    // or a tmux client's) reaps it, so the list is read until it settles; one that stays makes this fail.
    let processes = await sup.processes();
    await waitFor(async () => {
      processes = await sup.processes();
      return processes.every((p) => p.state !== 'Z') && processes.filter((p) => p.cmdline === 'sleep 4202').length === 1;
    }, 'no zombie, and only the latest orphans', 10_000, () => JSON.stringify(processes));
    expect(processes.filter((p) => p.state === 'Z')).toEqual([]);
    // Only the running generation's orphans remain: the crashed ones' went with their agent.
    expect(processes.filter((p) => p.cmdline === 'sleep 4202')).toHaveLength(1);
    expect(sup.logsOf('agent leftovers killed').length).toBeGreaterThanOrEqual(2);
    await sup.signal('SIGTERM');
    expect((await sup.exited).code).toBe(0);
  });

  it('forwards SIGUSR1 to the agent', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-idle.sh' } });
    await sup.waitForLog('agent started');
    await waitFor(() => sup.readWorkspaceFile('.agent-starts'), 'agent running');
    await sup.signal('SIGUSR1');
    await waitFor(() => sup.readWorkspaceFile('.agent-got-usr1'), 'agent got SIGUSR1');
    expect(await sup.waitForLog('signal forwarded')).toMatchObject({ signal: 'SIGUSR1' });
  });

  it('survives SIGUSR1 while no agent runs (during a backoff)', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-exit.sh 1', AGENTGATE_BACKOFF_INITIAL_MS: '60000', AGENTGATE_BACKOFF_JITTER: '0' } });
    await sup.waitForLog('restart scheduled');
    await sup.signal('SIGUSR1');
    expect(await sup.waitForLog('signal forwarded')).toMatchObject({ signal: 'SIGUSR1', pid: null, delivered: false });
    expect((await sup.health('/livez')).status).toBe(200);
    await sup.signal('SIGTERM');
    expect((await sup.exited).code).toBe(0);
  });

  it('keeps several attached clients through a restart, and ends them on stop', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-exit.sh 1 1', AGENTGATE_BACKOFF_INITIAL_MS: '200' } });
    await sup.waitForLog('agent started');
    const [a, b] = [attachClient(sup), attachClient(sup)];
    await waitFor(() => sup.tmux(['list-clients', '-t', 'agent']).stdout.trim().split('\n').filter(Boolean).length === 2, 'two attached clients');
    await sup.waitForLog('agent started', (l) => l.restarts === 1);
    expect(sup.tmux(['list-clients', '-t', 'agent']).stdout.trim().split('\n')).toHaveLength(2);
    await sup.signal('SIGTERM');
    await sup.exited;
    const ended = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
    await waitFor(() => ended(a!) && ended(b!), 'clients to see the server go');
  });
});
