import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { StartupError } from '../errors.js';
import type { HookEvent, HookReply } from '../agent/events.js';
import type { EventStream } from '../features/observation/event-stream.js';
import { healthBaseUrl } from './health-probe.js';
import { type HealthSnapshot, evaluateHealth, summarizeHealth } from '../contract/health-report.js';
import { reportAnswer } from '../contract/report-digest.js';

export interface HealthServer {
  server: Server;
  /** The base URL clients reach it at. */
  url: string;
  /** The configured port was busy: this is the one it got instead (host networking shares loopback). */
  busyPort: number | null;
}

/** The agent's hooks post here (`agentgate-hook`), with the token the supervisor gave the agent. */
export interface HookRoute {
  token: string;
  onHook: (event: HookEvent, body: Record<string, unknown>, reply: HookReply) => void;
}

/** A feature's own endpoint on the health server: every request whose path starts with `prefix`. */
export interface HttpRoute {
  prefix: string;
  /** `send` answers in JSON; `res` is there for a route that answers otherwise (server-sent events, an HTML page). */
  handle: (req: IncomingMessage, path: string, send: (status: number, body: unknown) => void, res: ServerResponse) => void;
}

/** The largest hook body read: hook inputs are small JSON objects. */
const HOOK_BODY_MAX_BYTES = 256 * 1024;
/** All hook bodies being read at once, together: many concurrent posts must not add up without end. */
const HOOK_BODIES_MAX_TOTAL_BYTES = 2 * 1024 * 1024;
/**
 * A hook's `type` (a Notification's kind: `permission_prompt`, `idle_prompt`, ...): the agents' are snake_case
 * words. It goes into the state's cause, so into log lines and events: anything else is refused.
 */
const HOOK_TYPE = /^[a-z][a-z_]{0,39}$/;
/** Hooks and probes are small: a client that takes longer to send its request is let go. */
const REQUEST_TIMEOUT_MS = 10_000;

/**
 * Serves /livez (the supervisor's event loop answers) and /readyz (the whole health report, 200 or 503)
 * for Docker HEALTHCHECK, Kubernetes probes and people; /events (server-sent events) and POST /hooks when
 * given.
 */
export async function startHealthServer(options: {
  host: string;
  port: number;
  snapshot: () => HealthSnapshot;
  now: () => number;
  hooks?: HookRoute;
  events?: { stream: EventStream; current: () => unknown };
  routes?: readonly HttpRoute[];
}): Promise<HealthServer> {
  const bodies = { bytes: 0 };
  const server = createServer({ requestTimeout: REQUEST_TIMEOUT_MS, headersTimeout: REQUEST_TIMEOUT_MS }, (req, res) => {
    const [path, query = ''] = (req.url ?? '/').split('?') as [string, string?];
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (path === '/hooks' && options.hooks) return void receiveHook(req, query, options.hooks, bodies, send, res).catch(() => send(500, { error: 'hook not read' }));
    const route = options.routes?.find((r) => path.startsWith(r.prefix));
    if (route) return route.handle(req, path, send, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { error: 'only GET and HEAD' });
    if (path === '/events' && options.events) return options.events.stream.attach(res, { name: 'state', data: options.events.current() });
    if (path === '/livez') {
      const s = options.snapshot();
      return send(200, { status: 'ok', phase: s.phase, uptimeMs: options.now() - s.startedAtMs, version: s.version });
    }
    if (path === '/readyz' || path === '/healthz') {
      const report = evaluateHealth(options.snapshot(), options.now());
      const status = report.status === 'ok' ? 200 : 503;
      // agentgate-probe (sh and curl) asks for the one line `agentgate health` prints, formatted here once.
      if (req.headers.accept === 'text/plain') {
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
        // `--report` (Docker's HEALTHCHECK) also asks for the digest `agentgate ls` reads from the engine's health log.
        const summary = summarizeHealth(report);
        return void res.end(/(^|&)report=1(&|$)/.test(query) ? reportAnswer(summary, report) : `${summary}\n`);
      }
      return send(status, report);
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
      `health server cannot listen on ${options.host}:${options.port} (${error.code})`,
      { cause: error, hint: 'check AGENTGATE_HEALTH_HOST and AGENTGATE_HEALTH_PORT' },
    );
  });
  const busyPort = port === null ? options.port : null;
  if (port === null) port = await listen(server, options.host, 0);
  server.unref();
  return { server, url: healthBaseUrl(options.host, port), busyPort };
}

async function receiveHook(
  req: IncomingMessage,
  query: string,
  route: HookRoute,
  bodies: { bytes: number },
  send: (status: number, body: unknown) => void,
  res: ServerResponse,
): Promise<void> {
  if (req.method !== 'POST') return send(405, { error: 'POST only' });
  // Loaded on the first hook: node:crypto costs memory in every supervisor whose agent has none.
  const { timingSafeEqual } = await import('node:crypto');
  const given = Buffer.from(String(req.headers['x-agentgate-token'] ?? ''));
  const expected = Buffer.from(route.token);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return send(403, { error: 'bad or missing x-agentgate-token' });
  const params = new URLSearchParams(query);
  const name = params.get('event') ?? '';
  if (!/^[A-Za-z]{1,40}$/.test(name)) return send(400, { error: 'expected ?event=<hook event name>' });
  const type = params.get('type') || undefined;
  if (type !== undefined && !HOOK_TYPE.test(type)) return send(400, { error: 'expected &type=<notification type>: lowercase letters and "_", at most 40' });
  // What this request holds of the shared budget; a body over either cap is dropped (read, not kept), and
  // the event still counts: a hook body we cannot read still tells us which event happened.
  let held = 0;
  let dropped = false;
  const chunks: Buffer[] = [];
  const release = () => {
    bodies.bytes -= held;
    held = 0;
    chunks.length = 0;
  };
  req.on('data', (chunk: Buffer) => {
    if (dropped) return;
    if (held + chunk.length > HOOK_BODY_MAX_BYTES || bodies.bytes + chunk.length > HOOK_BODIES_MAX_TOTAL_BYTES) {
      dropped = true;
      return release();
    }
    chunks.push(chunk);
    held += chunk.length;
    bodies.bytes += chunk.length;
  });
  req.on('close', release);
  req.on('end', () => {
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = dropped ? null : JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
    } catch {
      // unreadable: the event alone
    }
    release();
    // A listener may hold the hook open (a pending decision); otherwise it ends now, with no output.
    let held = false;
    let done = false;
    const reply: HookReply = {
      hold: (onGone) => {
        held = true;
        res.on('close', () => {
          if (!done) onGone();
          done = true;
        });
        res.socket?.setTimeout(0);
        return (output) => {
          if (done) return;
          done = true;
          if (output) send(200, output);
          else send(204, {});
        };
      },
    };
    route.onHook({ name, notificationType: type }, body, reply);
    if (!held) send(204, {});
  });
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
