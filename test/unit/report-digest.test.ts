import { describe, expect, it } from 'vitest';
import { type HealthSnapshot, evaluateHealth, summarizeHealth } from '../../supervisor/contract/health-report.js';
import { cutToBytes, digestLine, parseDigest, reportAnswer } from '../../supervisor/contract/report-digest.js';
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

  it('fits whole, with the answer and the memory line, in the 4096 bytes Docker keeps, whatever the reasons hold (escapes, UTF-8)', () => {
    const hostile = '"\\\u0001€😀'.repeat(4000);
    const lastExit = { code: 1, signal: null, runMs: 10, atMs: 5, reason: 'exited' as const, lastLines: ['x'], cause: hostile };
    const snapshots: Array<Partial<HealthSnapshot>> = [
      { phase: 'failed', startError: hostile },
      { phase: 'backoff', agentPid: null, crashLoop: { looping: true, restartsInWindow: 6, threshold: 5, windowMs: 300_000 }, lastExit },
    ];
    for (const s of snapshots) {
      const report = evaluateHealth(runningSnapshot(s), 20_000);
      const output = `${reportAnswer(summarizeHealth(report), report)}memory 18446744073709551615 18446744073709551615\n`;
      expect(new TextEncoder().encode(output).length).toBeLessThanOrEqual(4096);
      const digest = parseDigest(output);
      expect(digest).not.toBeNull();
      expect(digest?.checks.start.reason).toEqual(report.checks.start.ok ? 'started' : expect.stringMatching(/^start failed: "\\\u0001€😀.*\.\.\.$/));
    }
  });

  it('cuts whole characters to a byte budget', () => {
    expect(cutToBytes('abc', 3)).toBe('abc');
    expect(cutToBytes('€€€€', 9)).toBe('€€...');
    expect(cutToBytes('😀😀😀', 8)).toBe('😀...');
    expect(cutToBytes('"""""', 8, (t) => JSON.stringify(t).length - 2)).toBe('""...');
  });

  it('is null for output without one or with a broken one (another probe, a cut line)', () => {
    for (const output of ['healthy: agent running as pid 19, 0 restarts\n', 'report {"phase":"running"', 'report {"phase":1}', 'report null', '']) {
      expect(parseDigest(output)).toBeNull();
    }
  });
});
