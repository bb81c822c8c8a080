import { describe, expect, it } from 'vitest';
import { HostTrafficTable } from '../../supervisor/features/egress/host-traffic.js';

describe('HostTrafficTable', () => {
  it('holds no more hosts than its slots: thousands of names keep the busy ones on top', () => {
    let now = 7 * 3_600_000;
    const table = new HostTrafficTable(8, () => now);
    for (let n = 0; n < 20; n += 1) table.count('busy.example');
    for (let n = 0; n < 10; n += 1) table.count('api.example');
    table.addBytes('api.example', 10, 20);
    for (let n = 0; n < 5000; n += 1) {
      table.count(`name-${n}.example`);
      if (n % 100 === 0) now += 1000;
    }
    expect(table.size).toBe(8);
    expect(table.top(2)).toEqual([
      { host: 'busy.example', connections: 20, bytesOut: 0, bytesIn: 0 },
      { host: 'api.example', connections: 10, bytesOut: 10, bytesIn: 20 },
    ]);
  });

  it('counts per minute over the last hour: a minute an hour old drops out, the same bucket reused starts from zero', () => {
    let now = 3 * 3_600_000;
    const table = new HostTrafficTable(4, () => now);
    table.count('a.example');
    now += 30 * 60_000;
    table.count('a.example');
    table.addBytes('a.example', 1, 2);
    expect(table.top()).toEqual([{ host: 'a.example', connections: 2, bytesOut: 1, bytesIn: 2 }]);
    now += 30 * 60_000; // the first minute's bucket is an hour old now, and is this minute's again
    expect(table.top()).toEqual([{ host: 'a.example', connections: 1, bytesOut: 1, bytesIn: 2 }]);
    table.count('a.example');
    expect(table.top()).toEqual([{ host: 'a.example', connections: 2, bytesOut: 1, bytesIn: 2 }]);
    now += 61 * 60_000;
    expect(table.top()).toEqual([]);
  });

  it('gives a full table’s new host the slot of a host with nothing this hour first', () => {
    let now = 3_600_000;
    const table = new HostTrafficTable(2, () => now);
    table.count('old.example');
    now += 61 * 60_000;
    for (let n = 0; n < 3; n += 1) table.count('kept.example');
    table.count('new.example');
    expect(table.top().map((h) => h.host)).toEqual(['kept.example', 'new.example']);
  });
});
