import { afterEach, describe, expect, it } from 'vitest';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

let sup: SupervisorProcess;
afterEach(async () => sup?.cleanup());

describe('command mode', () => {
  it.each([0, 1, 2, 127, 255])('passes exit code %i through', async (code) => {
    sup = await SupervisorProcess.start({ args: ['sh', '-c', `exit ${code}`] });
    expect(await sup.exited).toEqual({ code, signal: null });
  });

  it.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
    ['SIGUSR1', 138],
  ] as const)('forwards %s and exits 128+N when the command dies of it', async (signal, expected) => {
    sup = await SupervisorProcess.start({ args: ['command-signal.sh'] });
    await waitFor(async () => (await sup.processes()).some((p) => p.cmdline === 'sleep 4300'), 'command exec');
    await sup.signal(signal);
    expect(await sup.exited).toEqual({ code: expected, signal: null });
  });

  it('runs in the workspace with stdio inherited', async () => {
    sup = await SupervisorProcess.start({ args: ['sh', '-c', 'pwd; echo to-stderr >&2'] });
    expect((await sup.exited).code).toBe(0);
    expect(sup.raw).toContain(sup.workspace);
    expect(sup.raw).toContain('to-stderr');
  });

  it('exits 127 with a clear error when the command does not exist', async () => {
    sup = await SupervisorProcess.start({ args: ['no-such-command-xyz'] });
    expect((await sup.exited).code).toBe(127);
    expect(sup.logsOf('command not found')[0]).toMatchObject({ file: 'no-such-command-xyz' });
  });

  it('runs a command named like a subcommand after --', async () => {
    sup = await SupervisorProcess.start({ args: ['--', 'sh', '-c', 'exit 4'] });
    expect((await sup.exited).code).toBe(4);
  });
});
