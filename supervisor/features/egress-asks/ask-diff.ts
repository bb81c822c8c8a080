import type { WireEventData } from '../../contract/events.js';
import type { EgressAskFeed, PendingEgressAsk } from '../../contract/proxy-report.js';

type Opened = Omit<WireEventData['egress ask pending'], 'at'>;
type Closed = Omit<WireEventData['egress ask closed'], 'at'>;

/**
 * What changed between the asks the supervisor showed and the feed's answer: the asks new to it, and the ones no
 * longer pending, with how they ended when the feed still remembers it (`unknown` when not: a proxy that restarted
 * forgot them). Pure.
 */
export function diffAsks(shown: readonly PendingEgressAsk[], feed: EgressAskFeed, nowMs: number): { opened: Opened[]; closed: Closed[] } {
  const before = new Set(shown.map((a) => a.id));
  const now = new Set(feed.pending.map((a) => a.id));
  const opened = feed.pending.filter((a) => !before.has(a.id));
  const closed = shown
    .filter((a) => !now.has(a.id))
    .map((a): Closed => {
      const known = feed.closed.find((c) => c.id === a.id);
      return known ?? { id: a.id, host: a.host, port: a.port, agent: a.agent, outcome: 'unknown', by: 'proxy', waitedMs: Math.max(0, nowMs - a.askedAtMs) };
    });
  return { opened, closed };
}
