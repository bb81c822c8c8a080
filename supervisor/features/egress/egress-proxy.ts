import { lookup } from 'node:dns/promises';
import { type LookupAddress } from 'node:dns';
import { Server as ProxyServer, RequestError } from 'proxy-chain';
import type { Logger } from '../../log/logger.js';
import { type AllowRule, classifyAddress, matchRule } from './allowlist.js';
import { type ConnectionBytes, EgressAudit } from './egress-audit.js';
import { allows } from './ask-book.js';
import { type AskRequest, type EgressAsks, type GoneHook } from './egress-asks.js';

export interface EgressCounts {
  allowed: number;
  denied: number;
  /** Allowed by the list, but the destination failed before the proxy could connect (it does not resolve). */
  upstreamFailed: number;
}

/**
 * `agentgate proxy`: the agent's only way out, written on proxy-chain (CONNECT and plain HTTP). A request goes
 * through when its host (and port) is on the allowlist and every address the name resolves to is public; a
 * name that resolves to loopback, private, link-local (a cloud's metadata at 169.254.169.254) or unspecified
 * addresses is refused even when listed, unless the address itself is listed. The connection then uses the
 * very addresses that were checked (proxy-chain's dnsLookup), so a second lookup cannot swap them. Each
 * denial is one JSON log line with host, port, method and reason, and a 403 that says why. An allowed name
 * that does not resolve is no denial: it is `egress upstream failed` and a 502, so that nobody edits the list.
 */
export class EgressProxy {
  readonly counts: EgressCounts = { allowed: 0, denied: 0, upstreamFailed: 0 };
  /** Allowed connections: each logged when it closes, and the last hour's top hosts. */
  readonly audit = new EgressAudit();
  private rules: AllowRule[];
  private server: ProxyServer | null = null;

  constructor(
    rules: AllowRule[],
    private readonly log: Logger,
    private readonly resolve: (host: string) => Promise<LookupAddress[]> = (host) => lookup(host, { all: true, verbatim: true }),
    /** AGENTGATE_EGRESS_ASK=on: unlisted public destinations wait for an answer instead of a 403. */
    private readonly asks: EgressAsks | null = null,
  ) {
    this.rules = rules;
  }

  /** Replaces the allowlist (a reload): requests from now on are judged by it. */
  reload(rules: AllowRule[]): void {
    this.rules = rules;
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  async listen(host: string, port: number): Promise<number> {
    const server = new ProxyServer({
      host,
      port,
      verbose: false,
      prepareRequestFunction: async (opts) => {
        const method = opts.request.method ?? 'GET';
        const ask = { host: opts.hostname, port: opts.port, method, path: opts.isHttp ? pathOf(opts.request.url) : null, agent: agentOf(opts.username), client: clientOf(opts.request.socket.remoteAddress) };
        const decision = await this.decide(ask, (cancel) => {
          opts.request.socket.once('close', cancel);
          return () => opts.request.socket.off('close', cancel);
        });
        this.audit.opened(opts.connectionId, opts.hostname, opts.port, opts.request.method ?? 'GET');
        return decision;
      },
    });
    // Like a denial, each allowed connection is one line: where, how much each way, how long.
    server.on('connectionClosed', ({ connectionId, stats }: { connectionId: number; stats?: ConnectionBytes }) => {
      const entry = this.audit.closed(connectionId, stats);
      if (entry) this.log.info(entry, 'egress connection');
    });
    this.server = server;
    await server.listen();
    return server.port;
  }

  async close(): Promise<void> {
    this.asks?.closeAll();
    await this.server?.close(true);
  }

  private async decide(request: AskRequest, onGone: GoneHook) {
    const { host, port, method } = request;
    const rule = matchRule(this.rules, host, port) ?? (this.asks?.granted(request.agent, host, port) ? ANSWERED : null);
    if (!rule && !this.asks) return this.deny(host, port, method, 'not on the allowlist');
    if (rule?.address) {
      this.allow(host, port, method);
      return {};
    }
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(host);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      if (!rule) return this.deny(host, port, method, `not on the allowlist, and it does not resolve (${code})`);
      return this.failUpstream(host, port, method, `does not resolve (${code})`);
    }
    const inner = addresses.map((a) => ({ ...a, kind: classifyAddress(a.address) })).find((a) => a.kind !== 'public');
    if (inner && !rule) return this.deny(host, port, method, `not on the allowlist, and a ${inner.kind} address (${inner.address}) is never asked about`);
    if (inner) return this.deny(host, port, method, `resolves to a ${inner.kind} address (${inner.address}); list the address itself to allow it`);
    if (!rule) await this.askFor(request, onGone);
    this.allow(host, port, method);
    const checked = addresses[0] as LookupAddress;
    // Connect to what was checked: no second lookup that a rebinding name could answer differently.
    const dnsLookup = (_host: string, options: { all?: boolean } | number | undefined, callback: (...args: unknown[]) => void) =>
      typeof options === 'object' && options?.all ? callback(null, [checked]) : callback(null, checked.address, checked.family);
    return { dnsLookup: dnsLookup as never };
  }

  /** Waits for a person's answer; returns when it allows, else denies (403) as an unlisted host is. */
  private async askFor(request: AskRequest, onGone: GoneHook): Promise<void> {
    const { host, port, method } = request;
    const held = this.asks?.hold(request, onGone);
    if (!held) return this.deny(host, port, method, 'not on the allowlist, and too many requests already wait for an answer');
    const closed = await held;
    if (!allows(closed.outcome)) {
      const why = closed.outcome === 'deny' ? `denied by ${closed.by}` : closed.outcome === 'expired' ? `not answered within ${Math.round(closed.waitedMs / 1000)} s` : closed.outcome;
      this.deny(host, port, method, `not on the allowlist, and asked: ${why}`);
    }
  }

  private allow(host: string, port: number, method: string): void {
    this.counts.allowed += 1;
    this.log.debug({ host, port, method }, 'egress allowed');
  }

  private failUpstream(host: string, port: number, method: string, reason: string): never {
    this.counts.upstreamFailed += 1;
    this.log.warn({ host, port, method, reason }, 'egress upstream failed');
    throw new RequestError(`agentgate egress proxy: ${host}:${port} is allowed, but it failed upstream: ${reason}\n`, 502);
  }

  private deny(host: string, port: number, method: string, reason: string): never {
    this.counts.denied += 1;
    this.log.warn({ host, port, method, reason }, 'egress denied');
    throw new RequestError(`agentgate egress proxy: ${host}:${port} is denied: ${reason}\n`, 403);
  }
}

/** A rule standing for an "allow for this agent" answer: a name, so its addresses are still checked. */
const ANSWERED: AllowRule = { host: '', wildcard: false, address: false, port: null };

/** The request's path without its query (which can carry tokens), at most 200 characters. */
function pathOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url, 'http://x').pathname.slice(0, 200);
  } catch {
    return null;
  }
}

/** The client's address as the ask feed sees it too: IPv4 without the ::ffff: of a dual-stack socket. */
export function clientOf(address: string | undefined): string | null {
  return address ? address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '') : null;
}

/** The proxy username the agent sent, when it is a plain label. */
function agentOf(username: string): string | null {
  return /^[A-Za-z0-9._-]{1,64}$/.test(username) ? username : null;
}
