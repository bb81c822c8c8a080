import { describe, expect, it } from 'vitest';
import type { PendingEgressAsk } from '../../supervisor/contract/proxy-report.js';
import { diffAsks } from '../../supervisor/features/egress-asks/ask-diff.js';

const ask = (id: string, askedAtMs = 1000): PendingEgressAsk => ({ id, host: 'example.org', port: 443, method: 'CONNECT', path: null, agent: null, client: '10.0.0.2', askedAtMs, expiresAtMs: askedAtMs + 60_000 });

describe('diffAsks', () => {
  it('opens the asks new to the supervisor and closes the ones gone, with the outcome the feed remembers', () => {
    const feed = { version: 'a.3', pending: [ask('b'), ask('c')], closed: [{ id: 'a', host: 'example.org', port: 443, agent: null, outcome: 'once' as const, by: 'host cli', waitedMs: 500 }] };
    const { opened, closed } = diffAsks([ask('a'), ask('b')], feed, 5000);
    expect(opened.map((a) => a.id)).toEqual(['c']);
    expect(closed).toEqual([{ id: 'a', host: 'example.org', port: 443, agent: null, outcome: 'once', by: 'host cli', waitedMs: 500 }]);
  });

  it('closes as unknown an ask the feed no longer knows (a restarted proxy)', () => {
    const { opened, closed } = diffAsks([ask('a', 1000)], { version: 'b.0', pending: [], closed: [] }, 4000);
    expect(opened).toEqual([]);
    expect(closed).toEqual([{ id: 'a', host: 'example.org', port: 443, agent: null, outcome: 'unknown', by: 'proxy', waitedMs: 3000 }]);
  });
});
