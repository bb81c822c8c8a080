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

const HOUR_MS = 3_600_000;
/** Past this many open connections, the oldest are forgotten: a leak here must not grow without bound. */
const MAX_OPEN = 10_000;

/**
 * The audit of allowed connections, pure (the clock comes in): `opened` when the proxy lets one through,
 * `closed` when it ends, which gives the entry to log (host, port, bytes each way, duration). Keeps the
 * hosts of the last hour, counted per minute, for the top hosts in the proxy's health.
 */
export class EgressAudit {
  private readonly open = new Map<number, { host: string; port: number; method: string; startedMs: number }>();
  /** host -> minute -> connections opened in that minute. */
  private readonly perMinute = new Map<string, Map<number, number>>();

  constructor(private readonly now: () => number = Date.now) {}

  opened(id: number, host: string, port: number, method: string): void {
    const startedMs = this.now();
    if (this.open.size >= MAX_OPEN) this.open.delete(this.open.keys().next().value as number);
    this.open.set(id, { host, port, method, startedMs });
    this.countHost(host);
  }

  /** One more connection to `host` in the top hosts (the credential endpoint's requests, logged on their own). */
  countHost(host: string): void {
    const minute = Math.floor(this.now() / 60_000);
    const counts = this.perMinute.get(host) ?? new Map<number, number>();
    counts.set(minute, (counts.get(minute) ?? 0) + 1);
    this.perMinute.set(host, counts);
  }

  /** The entry to log, or null for a connection that was never allowed (a denial closes too). */
  closed(id: number, stats: ConnectionBytes | undefined): AuditEntry | null {
    const entry = this.open.get(id);
    if (!entry) return null;
    this.open.delete(id);
    return {
      host: entry.host,
      port: entry.port,
      method: entry.method,
      credential: 'none',
      bytesOut: stats?.trgTxBytes ?? 0,
      bytesIn: stats?.trgRxBytes ?? 0,
      durationMs: this.now() - entry.startedMs,
    };
  }

  /** The hosts with the most connections opened in the last hour, most first. */
  topHosts(limit = 5): Array<{ host: string; connections: number }> {
    const oldest = Math.floor((this.now() - HOUR_MS) / 60_000);
    const totals: Array<{ host: string; connections: number }> = [];
    for (const [host, counts] of this.perMinute) {
      for (const minute of counts.keys()) if (minute <= oldest) counts.delete(minute);
      if (counts.size === 0) {
        this.perMinute.delete(host);
        continue;
      }
      totals.push({ host, connections: [...counts.values()].reduce((a, b) => a + b, 0) });
    }
    return totals.sort((a, b) => b.connections - a.connections || a.host.localeCompare(b.host)).slice(0, limit);
  }
}
