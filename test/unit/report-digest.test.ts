import { describe, expect, it } from 'vitest';
import { type HealthSnapshot, evaluateHealth } from '../../supervisor/contract/health-report.js';
import { digestLine, parseDigest } from '../../supervisor/contract/report-digest.js';
import { reasonOf, urgencyOf } from '../../cli/format/urgency.js';
import { runningSnapshot } from '../helpers/health-snapshot.js';

describe('the report digest (what agentgate ls reads from the health log)', () => {
  it('gives ls the same state and reason as the whole report', () => {
    const snapshots: Array<Partial<HealthSnapshot>> = [
      { phase: 'failed', startError: 'invalid configuration: AGENTGATE_RESTART="sometimes"' },
      { agentState: { state: 'permission', sinceMs: 1000 } },
      { phase: 'backoff', agentPid: null, crashLoop: { looping: true, restartsInWindow: 6, threshold: 5, windowMs: 300_000 }, lastExit: { code: 1, signal: null, runMs: 10, atMs: 5, reason: 'exited', lastLines: ['x'], cause: 'cannot reach its API' } },
      { needsLogin: true },
    ];
    for (const s of snapshots) {
      const report = evaluateHealth(runningSnapshot(s), 20_000);
      const digest = parseDigest(`healthy: x\n${digestLine(report)}\nmemory 1 0\n`);
      expect(digest).not.toBeNull();
      const state = urgencyOf(report, true);
      expect(urgencyOf(digest, true)).toBe(state);
      expect(reasonOf(digest, state)).toBe(reasonOf(report, state));
    }
  });

  it('stays small: a long reason is cut, so Docker keeps the whole line (4096 bytes)', () => {
    const report = evaluateHealth(runningSnapshot({ phase: 'failed', startError: 'x'.repeat(10_000) }), 20_000);
    const line = digestLine(report);
    expect(line.length).toBeLessThan(1500);
    expect(parseDigest(line)?.checks.start.reason).toMatch(/\.\.\.$/);
  });

  it('is null for output without one or with a broken one (another probe, a cut line)', () => {
    for (const output of ['healthy: agent running as pid 19, 0 restarts\n', 'report {"phase":"running"', 'report {"phase":1}', 'report null', '']) {
      expect(parseDigest(output)).toBeNull();
    }
  });
});
