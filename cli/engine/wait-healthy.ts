import type Docker from 'dockerode';
import type { HealthReport } from '../../supervisor/contract/health-report.js';
import { readReport } from './health.js';
import { logWakeups } from './log-wakeups.js';

export type WaitResult =
  | { outcome: 'healthy'; report: HealthReport }
  | { outcome: 'failed-start'; report: HealthReport }
  | { outcome: 'exited'; exitCode: number }
  | { outcome: 'timeout'; report: HealthReport | null };

/**
 * Waits until the supervisor says the agent is healthy, its start failed (it then waits for the fix, held by
 * AGENTGATE_ON_START_ERROR=wait), the container ended, or the deadline passed. Asks the supervisor itself
 * rather than Docker's health status: the HEALTHCHECK's first probe may be 10 s away on an older engine.
 * It asks when the container logs `ready` or an error, and every 100 to 500 ms between.
 */
export async function waitUntilHealthy(docker: Docker, containerId: string, timeoutMs: number, interrupted: () => boolean): Promise<WaitResult> {
  const until = Date.now() + timeoutMs;
  let report: HealthReport | null = null;
  // Between those lines, a probe now and then: a supervisor that logs nothing more may still turn healthy.
  let pauseMs = 100;
  const wakeups = await logWakeups(docker, containerId, (text) => /"msg":"ready"|"level":"(error|fatal)"/.test(text));
  try {
    while (Date.now() < until && !interrupted()) {
      const state = (await docker.getContainer(containerId).inspect()).State;
      if (!state.Running && !state.Restarting) return { outcome: 'exited', exitCode: state.ExitCode };
      report = await readReport(docker, containerId, 3000);
      if (report?.status === 'ok') return { outcome: 'healthy', report };
      if (report?.phase === 'failed') return { outcome: 'failed-start', report };
      await wakeups.next(pauseMs);
      pauseMs = Math.min(500, pauseMs * 2);
    }
  } finally {
    wakeups.close();
  }
  return { outcome: 'timeout', report };
}
