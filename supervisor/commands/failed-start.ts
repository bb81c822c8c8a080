import type { Config } from '../config/load-config.js';
import { lenientHealthConfig, settingOrDefault } from '../config/lenient.js';
import type { HealthSnapshot } from '../contract/health-report.js';
import type { SupervisorError } from '../errors.js';
import type { HealthServer } from '../health/health-server.js';
import { startHealthServer } from '../health/health-server.js';
import { idleSnapshot } from '../health/serve-health.js';
import type { Logger } from '../log/logger.js';
import type { Runtime } from '../runtime/context.js';
import { writeHealthUrl } from '../runtime/health-url-file.js';
import { untilStopped } from '../runtime/stop-signals.js';
import { crashLoopSettings } from './keep-alive.js';

/**
 * AGENTGATE_ON_START_ERROR=wait (compose sets it): a configuration the user must fix is not retried by the
 * engine's restart policy over and over; the supervisor stays up, unhealthy, with the reason in its health
 * and its log, until it is stopped, then exits with the start's own code.
 */
export async function holdFailedStart(runtime: Runtime, error: SupervisorError, config: Config | null, log: Logger): Promise<number> {
  const startedAtMs = Date.now();
  const workspacePath = config?.workspace.path ?? settingOrDefault(runtime.env, 'WORKSPACE');
  const snapshot = (): HealthSnapshot => ({
    ...idleSnapshot({ workspacePath, phase: 'failed', startedAtMs, crashLoop: config ? crashLoopSettings(config) : undefined }),
    mode: config?.agent.kind === 'none' ? 'keep-alive' : 'agent',
    startError: error.message.split('\n').join(' '),
  });
  let server: HealthServer | null = null;
  try {
    server = await startHealthServer({ ...(config?.health ?? lenientHealthConfig(runtime.env)), snapshot, now: Date.now });
    writeHealthUrl(runtime.runtimeDir, server.url);
  } catch {
    // the health port itself may be what failed: the log already says so
  }
  const detail = 'waiting for a stop (AGENTGATE_ON_START_ERROR=wait)';
  log.warn({ exitCode: error.exitCode, detail, hint: 'fix the problem above, then recreate the container' }, 'failed start held');
  await untilStopped(runtime, log);
  server?.server.close();
  return error.exitCode;
}
