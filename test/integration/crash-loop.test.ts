import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE, SupervisorProcess } from '../helpers/supervisor-process.js';
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

  it('stays unhealthy, naming the cause, when the backoff outgrows the window, until a stable run (issue 17 #9)', async () => {
    // Runs of 1 s, restarts after 50, 200, 800, then 3000 ms: after the fourth restart fewer than the threshold
    // fall within the window, and the agent runs (its own check passes) while the loop goes on.
    sup = await SupervisorProcess.start({
      env: {
        AGENTGATE_AGENT: 'agent-api-down.sh 1',
        AGENTGATE_BACKOFF_INITIAL_MS: '50',
        AGENTGATE_BACKOFF_FACTOR: '4',
        AGENTGATE_BACKOFF_MAX_MS: '3000',
        AGENTGATE_BACKOFF_JITTER: '0',
        AGENTGATE_CRASH_LOOP_RESTARTS: '2',
        AGENTGATE_CRASH_LOOP_WINDOW_MS: '2500',
        AGENTGATE_STABLE_RUN_MS: '2000',
      },
    });
    expect(await sup.waitForLog('crash loop')).toMatchObject({ cause: 'cannot reach its API' });
    // The run after the 3000 ms backoff: no restart within the window, the agent is running.
    await sup.waitForLog('agent started', (l) => Number(l.restarts) === 4, 30_000);
    const running = await sup.health();
    expect(running.body.phase).toBe('running');
    expect(running.body.checks.agent.ok).toBe(true);
    expect(running.status).toBe(503);
    expect(running.body.checks.crashLoop).toEqual({ ok: false, reason: expect.stringMatching(/^crash loop: 4 restarts without a stable run \(threshold 2 within .+\)$/) });
    expect(running.body.lastExit.cause).toBe('cannot reach its API');
    const line = spawnSync(process.execPath, [BUNDLE, 'health'], { env: sup.env, encoding: 'utf8' });
    expect(line.status).toBe(1);
    expect(line.stdout).toContain('last exit: exited with code 1: cannot reach its API');

    // The API comes back: once a run has lasted the stable-run time, the loop is over.
    writeFileSync(join(sup.workspace, '.api-up'), '');
    await sup.waitForLog('agent started', (l) => Number(l.restarts) >= 5, 30_000);
    expect((await sup.health()).status).toBe(503); // running, not yet for the stable-run time
    const healthy = await waitFor(async () => {
      const h = await sup.health();
      return h.status === 200 && h;
    }, 'healthy after a stable run', 10_000);
    expect(healthy.body.checks.crashLoop.ok).toBe(true);
  });
});
