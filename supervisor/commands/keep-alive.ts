import type { Config } from '../config/load-config.js';
import type { HealthSnapshot } from '../contract/health-report.js';
import { EXIT } from '../errors.js';
import { idleSnapshot, serveHealth } from '../health/serve-health.js';
import type { Logger } from '../log/logger.js';
import type { Runtime } from '../runtime/context.js';
import { untilStopped } from '../runtime/stop-signals.js';

/** AGENTGATE_AGENT=none: no agent, health served, the container kept up for `docker exec` until a stop. */
export async function runKeepAlive(runtime: Runtime, config: Config, log: Logger): Promise<number> {
  const startedAtMs = Date.now();
  let phase: HealthSnapshot['phase'] = 'running';
  const health = await serveHealth(runtime, config.health, log, () => ({
    ...idleSnapshot({ workspacePath: config.workspace.path, phase, startedAtMs, crashLoop: crashLoopSettings(config) }),
    mode: 'keep-alive',
  }));
  log.info({ hint: 'use docker exec to work in the container' }, 'keep-alive started');
  await untilStopped(runtime, log);
  phase = 'stopped';
  health.server.close();
  log.info({ exitCode: EXIT.OK }, 'stopped');
  return EXIT.OK;
}

export function crashLoopSettings(config: Config): { threshold: number; windowMs: number } {
  return { threshold: config.restart.crashLoopRestarts, windowMs: config.restart.crashLoopWindowMs };
}
