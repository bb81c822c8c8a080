import { acceptsConnections as listening } from '../helpers/net.js';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const DOCKER_DIR = join(FIXTURES, '../../docker');

const fast = { AGENTGATE_BACKOFF_INITIAL_MS: '50', AGENTGATE_BACKOFF_MAX_MS: '50', AGENTGATE_BACKOFF_JITTER: '0', AGENTGATE_CRASH_LOOP_RESTARTS: '1000' };
let sup: SupervisorProcess;
afterEach(async () => {
  await sup?.cleanup();
});

/**
 * The signals ignored or blocked, from a /proc status line, leaving out 32 and 33: glibc reserves them for
 * itself, no program can set their disposition, and a test runner may have inherited them ignored.
 */
function signalSet(status: string, field: 'SigIgn' | 'SigBlk'): bigint {
  const hex = new RegExp(`^${field}:\\s+([0-9a-f]{16})$`, 'm').exec(status)?.[1];
  expect(hex, `${field} in ${status}`).toBeDefined();
  return BigInt(`0x${hex}`) & ~0x180000000n;
}

/** The node process (the supervisor) inside the namespace, as the host sees it. */
async function supervisorPid(s: SupervisorProcess): Promise<number> {
  return waitFor(async () => (await s.processes()).find((p) => p.cmdline.includes('supervisor.cjs'))?.pid, 'supervisor pid');
}

describe('hardening', () => {
  it('never opens the Node inspector on SIGUSR1: not at start, not in keep-alive mode', async () => {
    expect(await listening(9229)).toBe(false); // nothing else on this machine holds the inspector's port
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'none' } });
    // At start: from the supervisor's first line on, while it is still starting. (Node's own bootstrap, before
    // any of the bundle runs, is covered by --disable-sigusr1 in the image: see the container tests.)
    const pid = await supervisorPid(sup);
    await waitFor(() => sup.raw.length > 0, 'first line');
    for (let i = 0; i < 20 && sup.logsOf('keep-alive started').length === 0; i++) {
      process.kill(pid, 'SIGUSR1');
      await new Promise((r) => setTimeout(r, 10));
    }
    await sup.waitForLog('keep-alive started');
    // In keep-alive mode, where no agent takes the signal: through tini, as `docker kill -s USR1` does.
    await sup.signal('SIGUSR1');
    process.kill(pid, 'SIGUSR1');
    expect((await sup.health('/livez')).status).toBe(200); // still alive, still answering
    expect(sup.output).not.toContain('Debugger listening');
    expect(await listening(9229)).toBe(false);
  });

  it('starts the agent, and what it starts, with clean signal dispositions, in the workspace', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-signals.sh' } });
    await waitFor(() => sup.readWorkspaceFile('.agent-signals'), 'agent wrote its dispositions');
    for (const file of ['.agent-signals', '.child-signals']) {
      expect(signalSet(sup.readWorkspaceFile(file), 'SigIgn')).toBe(0n);
      expect(signalSet(sup.readWorkspaceFile(file), 'SigBlk')).toBe(0n);
    }
    expect(sup.readWorkspaceFile('.agent-cwd').trim()).toBe(sup.workspace);
  });

  it('starts windows people open in the agent\'s tmux server, with a command or without, with clean dispositions too', async () => {
    // The image's PATH has agentgate-shell (tmux's default-shell there); here it comes from the repository.
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh', PATH: `${FIXTURES}:${DOCKER_DIR}:/usr/local/bin:/usr/bin:/bin` } });
    await sup.waitForLog('agent started');
    const grep = (file: string) => `grep -E "^(SigIgn|SigBlk)" /proc/self/status > ${sup.workspace}/${file}`;
    // As `docker exec <c> tmux new-window -d -t agent: 'command'`: tmux runs it with its default-shell -c.
    const withCommand = sup.tmux(['new-window', '-d', '-t', 'agent:', grep('.command-signals')]);
    expect(withCommand.status, withCommand.stderr).toBe(0);
    // As `docker exec <c> tmux new-window -d -t agent:` (or Ctrl-b c): a login shell, then what it runs.
    const made = sup.tmux(['new-window', '-d', '-t', 'agent:', '-P', '-F', '#{pane_id}']);
    expect(made.status, made.stderr).toBe(0);
    sup.tmux(['send-keys', '-t', made.stdout.trim(), grep('.window-signals'), 'Enter']);
    for (const file of ['.command-signals', '.window-signals']) {
      const status = await waitFor(() => sup.readWorkspaceFile(file) || undefined, `${file} written`, 10_000);
      expect(signalSet(status, 'SigIgn'), file).toBe(0n);
      expect(signalSet(status, 'SigBlk'), file).toBe(0n);
    }
  });

  it('runs a command with clean signal dispositions too', async () => {
    sup = await SupervisorProcess.start({ args: ['sh', '-c', 'grep -E "^(SigIgn|SigBlk)" /proc/self/status'] });
    expect((await sup.exited).code).toBe(0);
    expect(signalSet(sup.output, 'SigIgn')).toBe(0n);
    expect(signalSet(sup.output, 'SigBlk')).toBe(0n);
  });

  it('kills daemons the agent moved to sessions of their own at each restart, and spares what people started', async () => {
    sup = await SupervisorProcess.start({ env: { ...fast, AGENTGATE_AGENT: 'agent-daemon.sh' } });
    await sup.waitForLog('agent started');
    // A process a person started in the agent's tmux server (a new window): not the agent's, never killed.
    expect(sup.tmux(['new-window', '-d', 'exec sleep 4405']).status).toBe(0);
    await waitFor(() => sup.readWorkspaceFile('.agent-starts').split('\n').filter(Boolean).length >= 6, 'six starts', 20_000);
    const daemons = async () => (await sup.processes()).filter((p) => p.cmdline === 'sleep 4404' && p.state !== 'Z');
    // Each restart killed the previous run's daemon: at most the current run's one is left.
    await waitFor(async () => (await daemons()).length <= 1, 'old daemons gone');
    expect((await daemons()).length).toBeLessThanOrEqual(1);
    expect(sup.logs.filter((l) => l.msg === 'agent leftovers killed').length).toBeGreaterThanOrEqual(4);
    expect((await sup.processes()).some((p) => p.cmdline === 'sleep 4405')).toBe(true);
  });
});
