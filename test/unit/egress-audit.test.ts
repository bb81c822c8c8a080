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
      { host: 'busy.example', connections: 3 },
      { host: 'api.example', connections: 2 },
      { host: 'old.example', connections: 1 },
    ]);
    now += 31 * 60_000;
    expect(audit.topHosts().map((h) => h.host)).toEqual(['busy.example', 'api.example']);
  });
});
