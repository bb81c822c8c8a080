import { formatStatus } from '../../supervisor/health/health-probe.js';
import { describe, expect, it } from 'vitest';
import { describeExit, evaluateHealth, summarizeHealth } from '../../supervisor/contract/health-report.js';
import { runningSnapshot } from '../helpers/health-snapshot.js';

const running = runningSnapshot();

describe('evaluateHealth', () => {
  it('is ok with every check passing while the agent runs', () => {
    const report = evaluateHealth(running, 3500);
    expect(report.status).toBe('ok');
    expect(Object.values(report.checks).every((c) => c.ok)).toBe(true);
    expect(report).toMatchObject({ agentPid: 42, restarts: 0, uptimeMs: 2500, version: '1.2.3', phase: 'running' });
    expect(summarizeHealth(report)).toBe('healthy: agent running as pid 42, 0 restarts');
  });

  it('fails during a backoff, saying how the agent exited and when it restarts', () => {
    const report = evaluateHealth(
      { ...running, phase: 'backoff', agentPid: null, restarts: 1, lastExit: { code: 3, signal: null, runMs: 5, atMs: 1500, reason: 'exited', lastLines: [], cause: null }, backoff: { attempt: 1, delayMs: 1000, restartAtMs: 2500 } },
      2000,
    );
    expect(report.status).toBe('fail');
    expect(report.checks.agent).toEqual({ ok: false, reason: 'agent exited with code 3; restart 1 in 500 milliseconds' });
    expect(report.backoff?.remainingMs).toBe(500);
    expect(summarizeHealth(report)).toBe('unhealthy: agent: agent exited with code 3; restart 1 in 500 milliseconds');
  });

  it('fails on a crash loop with its reason, even while the agent runs', () => {
    const report = evaluateHealth({ ...running, crashLoop: { looping: true, restartsInWindow: 5, threshold: 5, windowMs: 60_000 } }, 2000);
    expect(report.status).toBe('fail');
    expect(report.checks.crashLoop.reason).toBe('crash loop: 5 restarts within 1 minute (threshold 5)');
  });

  it('a crash loop spread out by a long backoff still fails, counting the restarts since the last stable run, and the summary names the cause', () => {
    const lastExit = { code: 1, signal: null, runMs: 400, atMs: 1500, reason: 'exited', lastLines: ['Unable to connect to Anthropic services'], cause: 'cannot reach its API' };
    const report = evaluateHealth({ ...running, restarts: 11, lastExit, crashLoop: { looping: true, restartsInWindow: 3, restartsSinceStableRun: 11, threshold: 5, windowMs: 300_000 } }, 2000);
    expect(report.status).toBe('fail');
    expect(report.checks.crashLoop.reason).toBe('crash loop: 11 restarts without a stable run (threshold 5 within 5 minutes)');
    expect(summarizeHealth(report)).toBe('unhealthy: crashLoop: crash loop: 11 restarts without a stable run (threshold 5 within 5 minutes); last exit: exited with code 1: cannot reach its API');
  });

  it('fails when the workspace or the session is gone', () => {
    expect(evaluateHealth({ ...running, workspace: { ok: false, reason: '/workspace: ENOENT' } }, 2000).checks.workspace.ok).toBe(false);
    const noSession = evaluateHealth({ ...running, sessionAlive: false }, 2000);
    expect(noSession.status).toBe('fail');
    expect(noSession.checks.session.reason).toBe('tmux session is not running');
  });

  it('is ok in keep-alive mode with no session or agent', () => {
    const report = evaluateHealth({ ...running, mode: 'keep-alive', sessionAlive: false, agentPid: null }, 2000);
    expect(report.status).toBe('ok');
    expect(report.checks.agent.reason).toBe('keep-alive mode: no agent');
  });

  it('is not ready while stopping', () => {
    expect(evaluateHealth({ ...running, phase: 'stopping' }, 2000).status).toBe('fail');
  });

  it('fails a start that failed, with its reason first', () => {
    const report = evaluateHealth({ ...running, phase: 'failed', agentPid: null, sessionAlive: false, startError: 'workspace /workspace does not exist' }, 2000);
    expect(report.status).toBe('fail');
    expect(summarizeHealth(report)).toBe('unhealthy: start: start failed: workspace /workspace does not exist');
  });

  it('names an end that was not an exit code', () => {
    expect(describeExit({ code: null, signal: null, runMs: 5, atMs: 1, reason: 'tmux server died', lastLines: [], cause: null })).toBe('ended: tmux server died');
    expect(describeExit({ code: 0, signal: null, runMs: 5, atMs: 1, reason: 'stopped', lastLines: [], cause: null })).toBe('exited with code 0 (stopped)');
    expect(describeExit({ code: null, signal: 'SIGKILL', runMs: 5, atMs: 1, reason: 'exited', lastLines: [], cause: null })).toBe('was killed by SIGKILL');
  });
});

describe('status for people', () => {
  it('shows durations and clock times, not milliseconds and epochs', () => {
    const report = evaluateHealth(
      { ...running, phase: 'backoff', agentPid: null, restarts: 2, lastExit: { code: 1, signal: null, runMs: 1500, atMs: Date.UTC(2026, 0, 1, 10, 0, 0), reason: 'exited', lastLines: [], cause: null }, backoff: { attempt: 2, delayMs: 300_000, restartAtMs: Date.UTC(2026, 0, 1, 10, 5, 0) }, crashLoop: { looping: false, restartsInWindow: 2, threshold: 5, windowMs: 300_000 } },
      Date.UTC(2026, 0, 1, 10, 0, 0),
    );
    const text = formatStatus({ healthy: false, line: '', report }, Date.UTC(2026, 0, 1, 10, 2, 0));
    expect(text).toContain('last exit: exited with code 1 after 1.5 seconds, at 10:00:00 UTC (2 minutes ago)');
    expect(text).toContain('next restart: attempt 2 in 5 minutes');
    expect(text).toContain('2 restarts within the last 5 minutes');
    expect(text).not.toMatch(/\d{5,} ?ms|\d{12,}/);
  });
});
