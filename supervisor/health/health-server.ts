import { type Server, createServer } from 'node:http';
import { StartupError } from '../errors.js';
import { healthBaseUrl } from './health-probe.js';
import { type HealthSnapshot, evaluateHealth } from './health-state.js';

export interface HealthServer {
  server: Server;
  /** The base URL clients reach it at. */
  url: string;
  /** The configured port was busy: this is the one it got instead (host networking shares loopback). */
  busyPort: number | null;
}

/**
 * Serves /livez (the supervisor's event loop answers) and /readyz (the whole health report, 200 or 503)
 * for Docker HEALTHCHECK, Kubernetes probes and people.
 */
export async function startHealthServer(options: {
  host: string;
  port: number;
  snapshot: () => HealthSnapshot;
  now: () => number;
}): Promise<HealthServer> {
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
  // A busy port (another agent on the host's network) must not stop the agent: take a free one and say so;
  // the health-url file tells the HEALTHCHECK and `agentgate health` where it went.
  let port = await listen(server, options.host, options.port).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') return null;
    throw new StartupError(
      `health server cannot listen on ${options.host}:${options.port} (${error.code}): check AGENTGATE_HEALTH_HOST and AGENTGATE_HEALTH_PORT`,
      { cause: error },
    );
  });
  const busyPort = port === null ? options.port : null;
  if (port === null) port = await listen(server, options.host, 0);
  server.unref();
  return { server, url: healthBaseUrl(options.host, port), busyPort };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
