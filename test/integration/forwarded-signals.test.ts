import { afterEach, describe, expect, it } from 'vitest';
import { AGENT_FORWARDED_SIGNALS } from '../../supervisor/agent/forwarded-signals.js';
import { FORWARDED_SIGNALS } from '../../supervisor/commands/run-command.js';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * dumb-init's matrix: every signal the supervisor forwards reaches the program it runs, which traps it
 * (test/fixtures/signal-recorder.sh) and keeps running. Each signal goes to the supervisor itself, not to tini:
 * tini keeps SIGTTIN and SIGTTOU for itself, and what is tested here is the supervisor's forwarding.
 */
let sup: SupervisorProcess;
afterEach(async () => sup?.cleanup());

const received = (s: SupervisorProcess) => s.readWorkspaceFile('.signals-received').split('\n').filter(Boolean);

describe('agent mode', () => {
  it.each(AGENT_FORWARDED_SIGNALS)('forwards %s to the agent, which keeps running', async (signal) => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: `signal-recorder.sh ${signal}` } });
    const started = await sup.waitForLog('agent started');
    const agent = (await waitFor(() => sup.readWorkspaceFile('.recorder-ready'), 'the agent\'s traps set')).trim();
    process.kill(await sup.supervisorPid(), signal);
    await waitFor(() => received(sup).length > 0, `${signal} at the agent`, 10_000, () => sup.output);
    expect(received(sup)).toEqual([`${signal.slice(3)} ${agent}`]);
    expect(await sup.waitForLog('signal forwarded')).toMatchObject({ signal, pid: started.pid, delivered: true });
    expect(sup.logsOf('agent started')).toHaveLength(1);
    expect((await sup.health('/livez')).status).toBe(200);
  });
});

describe('command mode', () => {
  it.each(FORWARDED_SIGNALS)('forwards %s to the command, which keeps running', async (signal) => {
    sup = await SupervisorProcess.start({ args: ['signal-recorder.sh', signal] });
    const command = (await waitFor(() => sup.readWorkspaceFile('.recorder-ready'), 'the command\'s traps set')).trim();
    process.kill(await sup.supervisorPid(), signal);
    await waitFor(() => received(sup).length > 0, `${signal} at the command`, 10_000, () => sup.output);
    expect(received(sup)).toEqual([`${signal.slice(3)} ${command}`]);
    // The command lives on (the supervisor would end with it), and so does the supervisor: nothing was stopped.
    const running = (await sup.processes()).map((p) => p.cmdline);
    expect(running.some((c) => c.startsWith('/bin/sh ') && c.includes('signal-recorder.sh'))).toBe(true);
    expect(running.filter((c) => c.startsWith(`${process.execPath} `) && c.includes('supervisor.cjs'))).toHaveLength(1);
  });
});
