import { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse, Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Logger } from '../../log/logger.js';
import { closeEndpoint, listenEndpoint } from './endpoint-server.js';
import type { EgressAudit } from './egress-audit.js';
import { DEFAULT_AGENT_CREDENTIALS } from '../../agents/egress-defaults.js';
import { type HeldKeyRoute, carriesPlaceholder, routeOf, swapHeldKey } from './held-key-swap.js';
import { forwardUpgrade } from './upgrade-forward.js';
import { endToEndHeaders, missingCredentialMessage } from './hop-by-hop.js';
import type { Duplex } from 'node:stream';

const { apiKeyPlaceholder: API_KEY_PLACEHOLDER, oauthTokenPlaceholder: OAUTH_TOKEN_PLACEHOLDER } = DEFAULT_AGENT_CREDENTIALS;

/** The real credentials, read by the proxy from its own environment; the agent never has them. */
export interface HeldCredentials {
  apiKey: string | null;
  oauthToken: string | null;
}

/** Which credential a request got, for the log and the audit (never its value). */
/** Claude's, or another agent's key by its kind (`HeldApiKey.kind`). */
export type AttachedCredential = 'api-key' | 'oauth-token' | 'none' | (string & {});

/**
 * The swap, pure: the headers to send upstream, and which credential went in. A placeholder in `x-api-key`
 * becomes the real API key, a placeholder bearer token the real OAuth token; anything else (a key of the
 * agent's own) passes untouched. A placeholder the proxy has no credential for is an error (null), not a
 * request that carries the placeholder to the API.
 */
export function swapCredential(headers: IncomingHttpHeaders, held: HeldCredentials, upstreamHost: string): { headers: Record<string, string | string[]>; attached: AttachedCredential } | null {
  const out = endToEndHeaders(headers);
  out.host = upstreamHost;
  let attached: AttachedCredential = 'none';
  if (out['x-api-key'] === API_KEY_PLACEHOLDER) {
    if (!held.apiKey) return null;
    out['x-api-key'] = held.apiKey;
    attached = 'api-key';
  }
  if (out.authorization === `Bearer ${OAUTH_TOKEN_PLACEHOLDER}`) {
    if (!held.oauthToken) return null;
    out.authorization = `Bearer ${held.oauthToken}`;
    attached = 'oauth-token';
  }
  return { headers: out, attached };
}

/**
 * The proxy's credential endpoint: plain HTTP on the internal network (the agent's API base URL), every
 * request forwarded to the configured upstream (the default agent's API; a test's mock) with the placeholder
 * swapped for the real credential. Another agent's key has a path of its own (`/openai/...`, `/gemini/...`),
 * which leads to that key's upstream only, with that key's placeholder swapped. The upstreams are fixed by the
 * operator, so each real value goes to its own host only; a placeholder the agent sends anywhere else (through the allowlisting proxy) is just a
 * string. Bodies stream both ways (the API's answers are server-sent events).
 */
export class CredentialEndpoint {
  private server: Server | null = null;
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  readonly counts = { forwarded: 0, failed: 0 };

  constructor(
    private readonly upstream: URL,
    private readonly held: HeldCredentials,
    private readonly log: Logger,
    private readonly audit: EgressAudit | null = null,
    private readonly keys: readonly HeldKeyRoute[] = [],
  ) {}

  /** The kinds held, for health and the start log line: names, never values. */
  get kinds(): string[] {
    return [this.held.apiKey ? 'api-key' : '', this.held.oauthToken ? 'oauth-token' : '', ...this.keys.map((k) => (k.value ? k.key.kind : ''))].filter(Boolean);
  }

  async listen(host: string, port: number): Promise<number> {
    const listening = await listenEndpoint((req, res) => this.forward(req, res), host, port);
    this.server = listening.server;
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.forwardUpgrade(req, socket, head));
    return listening.port;
  }

  async close(): Promise<void> {
    this.agents.http.destroy();
    this.agents.https.destroy();
    await closeEndpoint(this.server);
  }

  /**
   * The upstream, path and headers for a request: another agent's key by its path, Claude's otherwise; or, for a
   * placeholder the proxy holds no value for (or a path whose upstream was not given), what it lacks.
   */
  private swapFor(req: IncomingMessage): { upstream: URL; path: string; headers: Record<string, string | string[]>; attached: AttachedCredential } | { upstreamHost: string; missing: string } {
    const routed = routeOf(this.keys, req.url ?? '/');
    if (!routed) {
      const swapped = swapCredential(req.headers, this.held, this.upstream.host);
      if (!swapped) return { upstreamHost: this.upstream.host, missing: `it holds no credential for this placeholder (set ${DEFAULT_AGENT_CREDENTIALS.apiKeyVariable} or ${DEFAULT_AGENT_CREDENTIALS.oauthTokenVariable} for the proxy)` };
      return { upstream: this.upstream, path: req.url ?? '/', ...swapped };
    }
    const { route, rest } = routed;
    // A key with no default upstream (Copilot's own provider): nowhere to send it until the operator says where.
    if (route.upstream === null) return { upstreamHost: 'none', missing: `it has no upstream for ${route.key.prefix}/ (set ${route.key.upstreamVariable} for the proxy)` };
    const headers = endToEndHeaders(req.headers);
    headers.host = route.upstream.host;
    const attached = carriesPlaceholder(req.headers, route.key) ? route.key.kind : 'none';
    if (!swapHeldKey(headers, route)) return { upstreamHost: route.upstream.host, missing: `it holds no credential for this placeholder (set ${route.key.variable} for the proxy)` };
    return { upstream: route.upstream, path: rest, headers, attached };
  }

  /** Counts and logs a request the proxy cannot carry: a placeholder it holds no value for, or a route with no upstream (the agent gets a 401 naming the variable). */
  private refusedMissing(refused: { upstreamHost: string; missing: string }, method: string, upgrade: boolean): void {
    this.counts.failed += 1;
    this.log.warn({ upstream: refused.upstreamHost, method, ...(upgrade ? { upgrade } : {}), detail: refused.missing }, 'credential missing');
  }

  /** A WebSocket (Codex's Responses API): the same swap and upstream as a request, then the tunnel. */
  private forwardUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const swapped = this.swapFor(req);
    if ('missing' in swapped) {
      this.refusedMissing(swapped, method, true);
      socket.on('error', () => socket.destroy());
      socket.end(`HTTP/1.1 401 Unauthorized\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${missingCredentialMessage(swapped.missing)}\n`);
      return;
    }
    const upstream = swapped.upstream;
    this.audit?.countHost(upstream.hostname);
    let opened = false;
    const request = (status: number) => this.log.info({ upstream: upstream.host, method, upgrade: true, status, credential: swapped.attached, durationMs: Date.now() - started }, 'credential request');
    forwardUpgrade(
      req,
      socket,
      head,
      swapped,
      ({ status, bytesUp, bytesDown, reason }) => {
        this.audit?.countBytes(upstream.hostname, bytesUp, bytesDown);
        if (status === null) {
          this.counts.failed += 1;
          this.log.warn({ upstream: upstream.host, method, upgrade: true, reason }, 'egress upstream failed');
          return;
        }
        this.counts.forwarded += 1;
        if (!opened) request(status); // refused by the upstream: its answer is the request's outcome
        else this.log.info({ upstream: upstream.host, bytesUp, bytesDown, durationMs: Date.now() - started }, 'credential tunnel closed');
      },
      // When the tunnel opens, not when it closes: an agent keeps its WebSocket for the whole session.
      (status) => {
        opened = true;
        request(status);
      },
    );
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const swapped = this.swapFor(req);
    if ('missing' in swapped) {
      this.refusedMissing(swapped, method, false);
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: missingCredentialMessage(swapped.missing) } })}\n`);
      return;
    }
    const upstream = swapped.upstream;
    this.audit?.countHost(upstream.hostname);
    const base = upstream.pathname.replace(/\/$/, '');
    const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
    let bytesUp = 0;
    let bytesDown = 0;
    const outgoing = send(
      { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port || undefined, method, path: `${base}${swapped.path}`, headers: swapped.headers, agent: upstream.protocol === 'https:' ? this.agents.https : this.agents.http },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, endToEndHeaders(answer.headers));
        answer.on('data', (chunk: Buffer) => (bytesDown += chunk.length));
        answer.pipe(res);
        answer.on('end', () => {
          this.counts.forwarded += 1;
          this.audit?.countBytes(upstream.hostname, bytesUp, bytesDown);
          this.log.info({ upstream: upstream.host, method, status: answer.statusCode, credential: swapped.attached, bytesUp, bytesDown, durationMs: Date.now() - started }, 'credential request');
        });
      },
    );
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      this.counts.failed += 1;
      this.log.warn({ upstream: upstream.host, method, reason: error.code ?? error.message }, 'egress upstream failed');
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`agentgate egress proxy: ${upstream.host} failed upstream: ${error.code ?? error.message}\n`);
    });
    req.on('data', (chunk: Buffer) => (bytesUp += chunk.length));
    req.pipe(outgoing);
  }
}
