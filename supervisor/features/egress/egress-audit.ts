/** What a closed connection moved, as proxy-chain counts it (the agent's side and the destination's side). */
export interface ConnectionBytes {
  srcTxBytes: number;
  srcRxBytes: number;
  trgTxBytes: number | null;
  trgRxBytes: number | null;
}

/** One allowed connection, for its log line when it closes. */
export interface AuditEntry {
  host: string;
  port: number;
  method: string;
  /** Which credential the proxy attached: none through the allowlisting proxy (it cannot see into a tunnel). */
  credential: string;
  bytesOut: number;
  bytesIn: number;
  durationMs: number;
}

import { type HostTraffic, HostTrafficTable } from './host-traffic.js';

/** Past this many open connections, the oldest are forgotten: a leak here must not grow without bound. */
const MAX_OPEN = 10_000;

/**
 * The audit of allowed connections, pure (the clock comes in): `opened` when the proxy lets one through,
 * `closed` when it ends, which gives the entry to log (host, port, bytes each way, duration). Keeps the
 * last hour's connections and bytes per host in a table of fixed size, for the top hosts in the proxy's health.
 */
export class EgressAudit {
  private readonly open = new Map<number, { host: string; port: number; method: string; startedMs: number }>();
  private readonly traffic: HostTrafficTable;

  constructor(private readonly now: () => number = Date.now) {
    this.traffic = new HostTrafficTable(256, now);
  }

  opened(id: number, host: string, port: number, method: string): void {
    const startedMs = this.now();
    if (this.open.size >= MAX_OPEN) this.open.delete(this.open.keys().next().value as number);
    this.open.set(id, { host, port, method, startedMs });
    this.countHost(host);
  }

  /** One more connection to `host` in the top hosts (the credential endpoints' requests, logged on their own). */
  countHost(host: string): void {
    this.traffic.count(host);
  }

  /** What a request of a credential endpoint moved, when it ends. */
  countBytes(host: string, bytesOut: number, bytesIn: number): void {
    this.traffic.addBytes(host, bytesOut, bytesIn);
  }

  /** The entry to log, or null for a connection that was never allowed (a denial closes too). */
  closed(id: number, stats: ConnectionBytes | undefined): AuditEntry | null {
    const entry = this.open.get(id);
    if (!entry) return null;
    this.open.delete(id);
    const bytesOut = stats?.trgTxBytes ?? 0;
    const bytesIn = stats?.trgRxBytes ?? 0;
    this.traffic.addBytes(entry.host, bytesOut, bytesIn);
    return { host: entry.host, port: entry.port, method: entry.method, credential: 'none', bytesOut, bytesIn, durationMs: this.now() - entry.startedMs };
  }

  /** The hosts with the most connections in the last hour (then the most bytes), most first. */
  topHosts(limit = 5): HostTraffic[] {
    return this.traffic.top(limit);
  }
}
