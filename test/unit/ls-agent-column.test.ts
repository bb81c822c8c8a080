import { describe, expect, it } from 'vitest';
import { reasonOf, urgencyOf } from '../../cli/format/urgency.js';
import { type HealthSnapshot, evaluateHealth } from '../../supervisor/contract/health-report.js';
import { runningSnapshot } from '../helpers/health-snapshot.js';

// Reports made by the supervisor's own evaluateHealth: the column reads only what a real report has.
const base = runningSnapshot({ needsLogin: false, agentState: { state: 'working', sinceMs: 1000 } });
const apiDown = { code: 1, signal: null, runMs: 400, atMs: 1500, reason: 'exited', lastLines: [], cause: 'cannot reach its API' };
const column = (s: Partial<HealthSnapshot>) => {
  const report = evaluateHealth({ ...base, ...s }, 2000);
  const state = urgencyOf(report, true);
  return { state, why: reasonOf(report, state) };
};

describe('agentgate ls: the state column', () => {
  it('shows the cause a crash loop knows, not needs-login', () => {
    const looping = column({ needsLogin: true, restarts: 11, lastExit: apiDown, crashLoop: { looping: true, restartsInWindow: 3, restartsSinceStableRun: 11, threshold: 5, windowMs: 300_000 } });
    expect(looping.state).toBe('crash-loop');
    expect(looping.why).toMatch(/^crash loop: 11 restarts without a stable run .*; last exit: cannot reach its API$/);
    expect(column({ needsLogin: true, phase: 'backoff', agentPid: null, lastExit: apiDown, backoff: { attempt: 1, delayMs: 1000, restartAtMs: 2500 } })).toEqual({
      state: 'restarting',
      why: 'cannot reach its API',
    });
  });

  it('shows a failed start with the reason the report gives', () => {
    expect(column({ phase: 'failed', agentPid: null, sessionAlive: false, startError: 'workspace /workspace does not exist' })).toEqual({
      state: 'failed-start',
      why: 'start failed: workspace /workspace does not exist',
    });
  });

  it('shows needs-login when nothing more certain is known, else the agent\'s state', () => {
    expect(column({ needsLogin: true }).state).toBe('needs-login');
    expect(column({}).state).toBe('working');
    expect(column({ agentState: { state: 'permission', sinceMs: 1000 } }).state).toBe('needs-permission');
    expect(urgencyOf(null, true)).toBe('unknown');
    expect(urgencyOf(null, false)).toBe('stopped');
  });
});
