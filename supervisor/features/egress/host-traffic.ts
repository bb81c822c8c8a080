/** One host's last hour, as the proxy's health shows it. */
export interface HostTraffic {
  host: string;
  connections: number;
  /** Bytes the agent sent to the host, and received from it, in connections or requests that ended this hour. */
  bytesOut: number;
  bytesIn: number;
}

const MINUTES = 60;
/** A slot's fields, minute by minute: the minute's number (to know a stale bucket), connections, bytes out, bytes in. */
const FIELDS = 4;

/**
 * The last hour's traffic per host in a table of fixed size, pure (the clock comes in): `slots` hosts, each a
 * ring of 60 one-minute buckets, allocated once. A proxy that an agent makes reach thousands of names keeps the
 * same memory: a new host takes the slot of a host with nothing in the last hour, or else of the host with the
 * fewest connections (whose count is lost, so a rare host may be missing from the top; a busy one never is).
 */
export class HostTrafficTable {
  private readonly hosts: Array<string | null>;
  private readonly index = new Map<string, number>();
  private readonly buckets: Float64Array;

  constructor(
    readonly slots = 256,
    private readonly now: () => number = Date.now,
  ) {
    this.hosts = new Array<string | null>(slots).fill(null);
    this.buckets = new Float64Array(slots * MINUTES * FIELDS).fill(-1);
  }

  /** One more connection (or request) to `host` now. */
  count(host: string): void {
    this.add(host, 1, 0, 0);
  }

  /** What a connection to `host` moved, when it ends. */
  addBytes(host: string, bytesOut: number, bytesIn: number): void {
    this.add(host, 0, bytesOut, bytesIn);
  }

  /** How many hosts the table holds now (at most `slots`). */
  get size(): number {
    return this.index.size;
  }

  /** The hosts with the most connections in the last hour, then the most bytes; most first. */
  top(limit = 5): HostTraffic[] {
    const minute = this.minute();
    const rows: HostTraffic[] = [];
    for (const [host, slot] of this.index) {
      const row = this.sum(slot, minute);
      if (row.connections + row.bytesOut + row.bytesIn > 0) rows.push({ host, ...row });
    }
    return rows.sort((a, b) => b.connections - a.connections || b.bytesOut + b.bytesIn - (a.bytesOut + a.bytesIn) || a.host.localeCompare(b.host)).slice(0, limit);
  }

  private add(host: string, connections: number, bytesOut: number, bytesIn: number): void {
    const minute = this.minute();
    const slot = this.index.get(host) ?? this.claim(host, minute);
    const at = (slot * MINUTES + (minute % MINUTES)) * FIELDS;
    // A bucket last written an hour (or more) ago starts again at zero for this minute.
    if (this.buckets[at] !== minute) this.buckets.set([minute, 0, 0, 0], at);
    this.buckets.set([minute, this.field(at + 1) + connections, this.field(at + 2) + bytesOut, this.field(at + 3) + bytesIn], at);
  }

  /** A slot for a new host: a free one, else the one with the fewest connections this hour (stale ones have none). */
  private claim(host: string, minute: number): number {
    let slot = this.hosts.indexOf(null);
    if (slot === -1) {
      let fewest = Number.POSITIVE_INFINITY;
      for (let s = 0; s < this.slots; s++) {
        const row = this.sum(s, minute);
        const weight = row.connections + (row.bytesOut + row.bytesIn) / 1e12;
        if (weight < fewest) [fewest, slot] = [weight, s];
      }
      this.index.delete(this.hosts[slot] as string);
    }
    this.hosts[slot] = host;
    this.index.set(host, slot);
    this.buckets.fill(-1, slot * MINUTES * FIELDS, (slot + 1) * MINUTES * FIELDS);
    return slot;
  }

  private sum(slot: number, minute: number): Omit<HostTraffic, 'host'> {
    const row = { connections: 0, bytesOut: 0, bytesIn: 0 };
    for (let m = 0; m < MINUTES; m++) {
      const at = (slot * MINUTES + m) * FIELDS;
      const stamp = this.field(at);
      if (stamp < 0 || stamp <= minute - MINUTES) continue;
      row.connections += this.field(at + 1);
      row.bytesOut += this.field(at + 2);
      row.bytesIn += this.field(at + 3);
    }
    return row;
  }

  private field(at: number): number {
    return this.buckets[at] ?? 0;
  }

  private minute(): number {
    return Math.floor(this.now() / 60_000);
  }
}
