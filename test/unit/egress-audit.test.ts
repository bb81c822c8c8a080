import { describe, expect, it } from 'vitest';
import { EgressAudit } from '../../supervisor/features/egress/egress-audit.js';

describe('EgressAudit', () => {
  it('gives each allowed connection its entry once, when it closes: bytes each way and duration', () => {
    let now = 1_000_000;
    const audit = new EgressAudit(() => now);
    audit.opened(1, 'api.example', 443, 'CONNECT');
    now += 250;
    expect(audit.closed(1, { srcTxBytes: 9, srcRxBytes: 8, trgTxBytes: 120, trgRxBytes: 4000 })).toEqual({
      host: 'api.example', port: 443, method: 'CONNECT', credential: 'none', bytesOut: 120, bytesIn: 4000, durationMs: 250,
    });
    expect(audit.closed(1, undefined)).toBeNull();
    expect(audit.closed(2, undefined)).toBeNull(); // never allowed: a denial
  });

  it('ranks the hosts of the last hour and forgets older ones', () => {
    let now = 10 * 3_600_000;
    const audit = new EgressAudit(() => now);
    audit.opened(1, 'old.example', 443, 'CONNECT');
    now += 30 * 60_000;
    for (let id = 2; id < 5; id += 1) audit.opened(id, 'busy.example', 443, 'CONNECT');
    audit.countHost('api.example');
    audit.countHost('api.example');
    expect(audit.topHosts()).toEqual([
      { host: 'busy.example', connections: 3, bytesOut: 0, bytesIn: 0 },
      { host: 'api.example', connections: 2, bytesOut: 0, bytesIn: 0 },
      { host: 'old.example', connections: 1, bytesOut: 0, bytesIn: 0 },
    ]);
    now += 31 * 60_000;
    expect(audit.topHosts().map((h) => h.host)).toEqual(['busy.example', 'api.example']);
  });

  it('adds the bytes of each closed connection to its host', () => {
    const audit = new EgressAudit(() => 5 * 3_600_000);
    audit.opened(1, 'api.example', 443, 'CONNECT');
    audit.opened(2, 'api.example', 443, 'CONNECT');
    audit.closed(1, { srcTxBytes: 0, srcRxBytes: 0, trgTxBytes: 100, trgRxBytes: 2000 });
    audit.closed(2, { srcTxBytes: 0, srcRxBytes: 0, trgTxBytes: 50, trgRxBytes: null });
    audit.countHost('git.example');
    audit.countBytes('git.example', 7, 9);
    expect(audit.topHosts()).toEqual([
      { host: 'api.example', connections: 2, bytesOut: 150, bytesIn: 2000 },
      { host: 'git.example', connections: 1, bytesOut: 7, bytesIn: 9 },
    ]);
  });
});
