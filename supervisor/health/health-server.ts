import { type Server, createServer } from 'node:http';
import { StartupError } from '../errors.js';
import { type HealthSnapshot, evaluateHealth } from './health-state.js';

/**
 * Serves /livez (the supervisor's event loop answers) and /readyz (the whole health report, 200 or 503)
 * for Docker HEALTHCHECK, Kubernetes probes and people.
 */
export async function startHealthServer(options: {
  host: string;
  port: number;
  snapshot: () => HealthSnapshot;
  now: () => number;
}): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'only GET and HEAD' });
    if (path === '/livez') {
      const s = options.snapshot();
      return send(200, { status: 'ok', phase: s.phase, uptimeMs: options.now() - s.startedAtMs, version: s.version });
    }
    if (path === '/readyz' || path === '/healthz') {
      const report = evaluateHealth(options.snapshot(), options.now());
      return send(report.status === 'ok' ? 200 : 503, report);
    }
    return send(404, { error: `unknown path ${path}; try /livez or /readyz` });
  });
  // Probes must not keep connections (and the event loop) busy.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint =
        error.code === 'EADDRINUSE'
          ? 'another process listens there; set AGENTGATE_HEALTH_PORT to a free port'
          : 'check AGENTGATE_HEALTH_HOST and AGENTGATE_HEALTH_PORT';
      reject(new StartupError(`health server cannot listen on ${options.host}:${options.port} (${error.code}): ${hint}`, { cause: error }));
    });
    server.listen(options.port, options.host, () => resolve());
  });
  server.unref();
  return server;
}
