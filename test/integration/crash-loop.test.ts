import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

let sup: SupervisorProcess;
afterEach(async () => sup?.cleanup());

describe('crash loop', () => {
  it('grows the backoff, reports unhealthy with the reason, and resets after a stable run', async () => {
    sup = await SupervisorProcess.start({
      env: {
        AGENTGATE_AGENT: 'agent-flaky.sh',
        AGENTGATE_BACKOFF_INITIAL_MS: '50',
        AGENTGATE_BACKOFF_FACTOR: '2',
        AGENTGATE_BACKOFF_MAX_MS: '400',
        AGENTGATE_BACKOFF_JITTER: '0',
        AGENTGATE_CRASH_LOOP_RESTARTS: '4',
        AGENTGATE_CRASH_LOOP_WINDOW_MS: '60000',
        AGENTGATE_STABLE_RUN_MS: '800',
      },
      files: { '.crash': '' },
    });
    await sup.waitForLog('crash loop');
    const delays = sup.logsOf('restart scheduled').map((l) => l.inMs);
    expect(delays.slice(0, 4)).toEqual([50, 100, 200, 400]);
    expect(await sup.waitForLog('crash loop')).toMatchObject({ restartsInWindow: 4, windowMs: 60000 });

    const unhealthy = await sup.health();
    expect(unhealthy.status).toBe(503);
    expect(unhealthy.body.checks.crashLoop).toMatchObject({ ok: false, reason: expect.stringMatching(/^crash loop: \d+ restarts within 1 minute \(threshold 4\)$/) });
    expect(unhealthy.body.restarts).toBeGreaterThanOrEqual(4);

    // The capped delay holds while it keeps crashing.
    await waitFor(() => sup.logsOf('restart scheduled').length >= 6, 'more restarts');
    expect(sup.logsOf('restart scheduled')[5]?.inMs).toBe(400);

    // Let it run stably, then crash it once more: the backoff starts from the initial delay again.
    rmSync(join(sup.workspace, '.crash'));
    const stableStart = await sup.waitForLog('agent started', (l) => Number(l.restarts) >= 6);
    await waitFor(() => sup.readWorkspaceFile('.agent-starts').trim().split('\n').length >= Number(stableStart.restarts) + 1, 'stable agent');
    await new Promise((r) => setTimeout(r, 900)); // the stable-run time under test: a real run of 800 ms
    const before = sup.logsOf('restart scheduled').length;
    const agent = await waitFor(async () => (await sup.processes()).find((p) => p.cmdline.includes('agent-flaky.sh') && p.state === 'S'), 'running agent');
    process.kill(agent.pid, 'SIGKILL');
    await waitFor(() => sup.logsOf('restart scheduled').length > before, 'restart after the stable run');
    expect(sup.logsOf('restart scheduled')[before]).toMatchObject({ inMs: 50, attempt: 1 });
    await sup.waitForLog('agent started', (l) => Number(l.restarts) === Number(stableStart.restarts) + 1);
    const healthy = await waitFor(async () => {
      const h = await sup.health();
      return h.status === 200 && h;
    }, 'healthy again after the stable run');
    expect(healthy.body.checks.crashLoop.ok).toBe(true);
  });

  it('keeps up with an agent that exits at once, restart after restart (tmux losing a SIGCHLD must not stall it)', async () => {
    sup = await SupervisorProcess.start({
      env: { AGENTGATE_AGENT: 'agent-exit.sh 1', AGENTGATE_BACKOFF_INITIAL_MS: '20', AGENTGATE_BACKOFF_MAX_MS: '20', AGENTGATE_CRASH_LOOP_RESTARTS: '1000' },
    });
    await sup.waitForLog('agent started', (l) => l.restarts === 20, 20_000);
    expect(sup.logsOf('agent exited').slice(0, 20).every((l) => l.code === 1)).toBe(true);
  });
});
