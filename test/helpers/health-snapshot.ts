import type { HealthSnapshot } from '../../supervisor/contract/health-report.js';

/**
 * What the supervisor knows of an agent running as pid 42 since 1000 ms with no restarts, every check passing:
 * the fixture the health and `ls` tests start from, with `overrides` for the facts a test is about.
 */
export function runningSnapshot(overrides: Partial<HealthSnapshot> = {}): HealthSnapshot {
  return {
    mode: 'agent',
    phase: 'running',
    workspace: { ok: true, reason: '/workspace is writable' },
    sessionAlive: true,
    agentPid: 42,
    restarts: 0,
    lastExit: null,
    backoff: null,
    crashLoop: { looping: false, restartsInWindow: 0, threshold: 5, windowMs: 300_000 },
    startedAtMs: 1000,
    version: '1.2.3',
    ...overrides,
  };
}
