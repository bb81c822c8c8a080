import { type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Logger } from '../../log/logger.js';
import { closeEndpoint, listenEndpoint } from './endpoint-server.js';
import type { EgressAudit } from './egress-audit.js';
import type { GitToken } from './git-tokens.js';

// Hop-by-hop headers (RFC 9110 7.6.1) are the client's connection's own; `expect` too (Node answers 100-continue
// itself), and the agent's own `authorization` never goes upstream: the proxy's is the only one.
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'expect', 'authorization']);

/**
 * The proxy's git credential endpoint: plain HTTP on the internal network, `http://<proxy>:3130/<host>/<path>`,
 * forwarded over TLS to `https://<host>/<path>` with `Authorization: Basic` (username, token as password) for a
 * host the proxy holds a token for, and refused (404) for any other, so it is no way around the allowlist. The
 * agent's git is pointed here by `url.<endpoint>/<host>/.insteadOf https://<host>/` (the supervisor sets it): clone,
 * fetch and push carry the token, which only the proxy has. `GET /` lists the hosts (names, never tokens).
 */
export class GitEndpoint {
  private server: Server | null = null;
  private readonly agent = new HttpsAgent({ keepAlive: true });
  readonly counts = { forwarded: 0, failed: 0 };

  constructor(
    private readonly tokens: ReadonlyMap<string, GitToken>,
    private readonly log: Logger,
    private readonly audit: EgressAudit | null = null,
  ) {}

  get hosts(): string[] {
    return [...this.tokens.keys()];
  }

  async listen(host: string, port: number): Promise<number> {
    const listening = await listenEndpoint((req, res) => this.forward(req, res), host, port);
    this.server = listening.server;
    return listening.port;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    await closeEndpoint(this.server);
  }

  private forward(req: IncomingMessage, res: ServerResponse): void {
    const started = Date.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    if (url === '/') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`${JSON.stringify({ hosts: this.hosts })}\n`);
      return;
    }
    const match = /^\/([^/?#]+)(\/[^#]*)?$/.exec(url);
    const host = match?.[1]?.toLowerCase() ?? '';
    const held = this.tokens.get(host);
    if (!match || !held) {
      this.counts.failed += 1;
      this.log.warn({ host, method }, 'git host not held');
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`agentgate egress proxy: no git token for ${JSON.stringify(host)}; the proxy holds tokens for: ${this.hosts.join(', ') || 'none'}\n`);
      return;
    }
    const path = match[2] ?? '/';
    const target = new URL(`https://${host}`);
    this.audit?.countHost(target.hostname);
    let bytesUp = 0;
    let bytesDown = 0;
    const headers = forwardable(req.headers);
    headers.host = host;
    headers.authorization = `Basic ${Buffer.from(`${held.username}:${held.token}`).toString('base64')}`;
    const outgoing = httpsRequest({ hostname: target.hostname, port: target.port || 443, method, path, headers, agent: this.agent }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
      answer.on('data', (chunk: Buffer) => (bytesDown += chunk.length));
      answer.pipe(res);
      answer.on('end', () => {
        this.counts.forwarded += 1;
        this.audit?.countBytes(target.hostname, bytesUp, bytesDown);
        // The path names the repository and the git service; its query (`?service=...`) holds no secret either.
        this.log.info({ host, method, path, status: answer.statusCode, credential: 'git-token', bytesUp, bytesDown, durationMs: Date.now() - started }, 'git request');
      });
    });
    outgoing.on('error', (error: NodeJS.ErrnoException) => {
      this.counts.failed += 1;
      this.log.warn({ host, port: Number(target.port || 443), method, reason: error.code ?? error.message }, 'egress upstream failed');
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`agentgate egress proxy: git host ${host} failed upstream: ${error.code ?? error.message}\n`);
    });
    req.on('data', (chunk: Buffer) => (bytesUp += chunk.length));
    req.pipe(outgoing);
  }
}

function forwardable(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !NOT_FORWARDED.has(name)) out[name] = value;
  return out;
}
