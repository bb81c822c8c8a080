import { lookup } from 'node:dns/promises';
import { type LookupAddress } from 'node:dns';
import { Server as ProxyServer, RequestError } from 'proxy-chain';
import type { Logger } from '../../log/logger.js';
import { type AllowRule, classifyAddress, matchRule } from './allowlist.js';
import { type ConnectionBytes, EgressAudit } from './egress-audit.js';

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
        const decision = await this.decide(opts.hostname, opts.port, opts.request.method ?? 'GET');
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
    await this.server?.close(true);
  }

  private async decide(host: string, port: number, method: string) {
    const rule = matchRule(this.rules, host, port);
    if (!rule) return this.deny(host, port, method, 'not on the allowlist');
    if (rule.address) {
      this.allow(host, port, method);
      return {};
    }
    let addresses: LookupAddress[];
    try {
      addresses = await this.resolve(host);
    } catch (error) {
      return this.failUpstream(host, port, method, `does not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const inner = addresses.map((a) => ({ ...a, kind: classifyAddress(a.address) })).find((a) => a.kind !== 'public');
    if (inner) return this.deny(host, port, method, `resolves to a ${inner.kind} address (${inner.address}); list the address itself to allow it`);
    this.allow(host, port, method);
    const checked = addresses[0] as LookupAddress;
    // Connect to what was checked: no second lookup that a rebinding name could answer differently.
    const dnsLookup = (_host: string, options: { all?: boolean } | number | undefined, callback: (...args: unknown[]) => void) =>
      typeof options === 'object' && options?.all ? callback(null, [checked]) : callback(null, checked.address, checked.family);
    return { dnsLookup: dnsLookup as never };
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
