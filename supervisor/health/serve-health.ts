import type { HealthSnapshot } from '../contract/health-report.js';
import type { Logger } from '../log/logger.js';
import type { Runtime } from '../runtime/context.js';
import { writeHealthUrl } from '../runtime/health-url-file.js';
import { probeWorkspace } from '../startup/workspace.js';
import { VERSION } from '../version.js';
import { type HealthServer, startHealthServer } from './health-server.js';

/** Starts the health server and writes where it listens into the runtime dir (the HEALTHCHECK reads it). */
export async function serveHealth(
  runtime: Pick<Runtime, 'runtimeDir'>,
  where: { host: string; port: number },
  log: Logger,
  snapshot: () => HealthSnapshot,
  routes: Pick<Parameters<typeof startHealthServer>[0], 'hooks' | 'events' | 'routes'> = {},
): Promise<HealthServer> {
  const health = await startHealthServer({ ...where, ...routes, snapshot, now: Date.now });
  if (health.busyPort !== null) log.warn({ port: health.busyPort, url: health.url, detail: 'serving health on a free port instead' }, 'health port busy');
  const failed = writeHealthUrl(runtime.runtimeDir, health.url);
  if (failed) log.warn({ dir: runtime.runtimeDir, code: failed, detail: 'the HEALTHCHECK falls back to AGENTGATE_HEALTH_PORT' }, 'health url not written');
  return health;
}

/** Health for a supervisor with no agent to report on (keep-alive, a failed start). */
export function idleSnapshot(
  options: { workspacePath: string; phase: HealthSnapshot['phase']; startedAtMs: number; crashLoop?: { threshold: number; windowMs: number } },
): Omit<HealthSnapshot, 'mode'> {
  return {
    phase: options.phase,
    workspace: probeWorkspace(options.workspacePath),
    sessionAlive: false,
    agentPid: null,
    restarts: 0,
    lastExit: null,
    backoff: null,
    crashLoop: { looping: false, restartsInWindow: 0, threshold: options.crashLoop?.threshold ?? 0, windowMs: options.crashLoop?.windowMs ?? 0 },
    startedAtMs: options.startedAtMs,
    version: VERSION,
  };
}
