import { afterEach, describe, expect, it } from 'vitest';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

let sup: SupervisorProcess;
afterEach(async () => sup?.cleanup());

// The exit status and the last screen lines come from one tmux client (issue 19): both must still be there.
describe("an agent's end as recorded", () => {
  it('counts the backoff from the end: restartAtMs is the exit time plus the delay, the last lines kept', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-exit.sh 3 0.1', AGENTGATE_BACKOFF_INITIAL_MS: '5000', AGENTGATE_BACKOFF_JITTER: '0' } });
    await sup.waitForLog('restart scheduled');
    const report = await waitFor(async () => {
      const h = await sup.health();
      return h.body.backoff && h.body.lastExit && h.body;
    }, 'health in backoff');
    // Recording the end (a tmux client, the leftovers' kill) is part of the wait, not added to it.
    expect(report.backoff.restartAtMs - report.lastExit.atMs).toBe(5000);
    expect(report.lastExit).toMatchObject({ code: 3, reason: 'exited' });
    expect(report.lastExit.lastLines).toEqual([expect.stringMatching(/^agent-exit pid \d+ will exit 3$/)]);
  });

  it("records a stopped agent's exit status and last lines", async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh' } });
    await sup.waitForLog('agent started');
    await waitFor(() => sup.readWorkspaceFile('.agent-starts'), 'agent running');
    await waitFor(() => sup.tmux(['capture-pane', '-p', '-t', 'agent']).stdout.includes('ready'), 'agent output in the pane');
    await sup.signal('SIGTERM');
    expect(await sup.exited).toEqual({ code: 0, signal: null });
    const exit = sup.logsOf('agent exited')[0];
    expect(exit).toMatchObject({ code: 0, signal: null, reason: 'stopped' });
    expect(exit?.lastLines).toEqual(expect.arrayContaining([expect.stringMatching(/^agent-idle pid \d+ ready$/)]));
  });
});
