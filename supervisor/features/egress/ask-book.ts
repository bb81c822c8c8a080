import type { ClosedEgressAsk, EgressAskOutcome, PendingEgressAsk } from '../../contract/proxy-report.js';

/** At most this many requests wait for an answer at once; one more is denied at once (memory stays bounded). */
export const MAX_PENDING_ASKS = 256;
/** Closed asks remembered, so that a late answer learns who answered first (409) rather than "unknown". */
const CLOSED_KEPT = 256;
/** "Allow for this agent" grants kept; the oldest is forgotten first (it is asked again). */
export const MAX_AGENT_GRANTS = 1024;

export type AskAnswer = 'once' | 'agent' | 'always' | 'deny';
export type AskResult = { ok: true; closed: ClosedEgressAsk } | { ok: false; status: 404 | 409; error: string };

/**
 * The egress requests held for an answer, the recently closed ones and the per-agent grants. Pure: the caller
 * gives the time and holds the sockets and timers. The first close wins; a later answer learns who closed it.
 */
export class AskBook {
  private readonly pending = new Map<string, { ask: PendingEgressAsk; settle: (closed: ClosedEgressAsk) => void }>();
  private readonly closed = new Map<string, ClosedEgressAsk>();
  private readonly grants = new Set<string>();

  /** False when MAX_PENDING_ASKS already wait: the request is not held. */
  hold(ask: PendingEgressAsk, settle: (closed: ClosedEgressAsk) => void): boolean {
    if (this.pending.size >= MAX_PENDING_ASKS) return false;
    this.pending.set(ask.id, { ask, settle });
    return true;
  }

  get size(): number {
    return this.pending.size;
  }

  /** Oldest first. */
  list(): PendingEgressAsk[] {
    return [...this.pending.values()].map((e) => e.ask);
  }

  get(id: string): PendingEgressAsk | null {
    return this.pending.get(id)?.ask ?? null;
  }

  /** Whether this agent was answered "allow for this agent" for host:port. An agent without a name has no grants. */
  granted(agent: string | null, host: string, port: number): boolean {
    return agent !== null && this.grants.has(grantKey(agent, host, port));
  }

  answer(id: string, answer: AskAnswer, by: string, nowMs: number): AskResult {
    const entry = this.pending.get(id);
    if (!entry) {
      const earlier = this.closed.get(id);
      if (!earlier) return { ok: false, status: 404, error: `no egress ask ${JSON.stringify(id)}: GET /egress/decisions lists the pending ones` };
      return { ok: false, status: 409, error: `egress ask ${id} already closed: ${earlier.outcome} by ${earlier.by} after ${Math.round(earlier.waitedMs / 1000)} s` };
    }
    if (answer === 'agent' && entry.ask.agent !== null) {
      const key = grantKey(entry.ask.agent, entry.ask.host, entry.ask.port);
      this.grants.delete(key);
      this.grants.add(key);
      if (this.grants.size > MAX_AGENT_GRANTS) this.grants.delete(this.grants.values().next().value as string);
    }
    const closed = this.finish(id, answer, by, nowMs) as ClosedEgressAsk;
    // What "always" or "for this agent" now allows is not asked again: the requests waiting for it go through too.
    if (answer === 'always' || answer === 'agent') {
      for (const other of [...this.pending.values()].map((e) => e.ask)) {
        const same = other.host.toLowerCase() === closed.host.toLowerCase() && other.port === closed.port;
        if (same && (answer === 'always' || (other.agent !== null && other.agent === closed.agent))) this.finish(other.id, answer, by, nowMs);
      }
    }
    return { ok: true, closed };
  }

  /** Closes one ask without an answer (expired, or the client went away); null when it was not pending. */
  close(id: string, outcome: 'expired' | 'gone' | 'proxy stopped', by: string, nowMs: number): ClosedEgressAsk | null {
    return this.finish(id, outcome, by, nowMs);
  }

  closeAll(nowMs: number): void {
    for (const id of [...this.pending.keys()]) this.finish(id, 'proxy stopped', 'proxy', nowMs);
  }

  private finish(id: string, outcome: EgressAskOutcome, by: string, nowMs: number): ClosedEgressAsk | null {
    const entry = this.pending.get(id);
    if (!entry) return null;
    this.pending.delete(id);
    const { ask } = entry;
    const closed: ClosedEgressAsk = { id, host: ask.host, port: ask.port, agent: ask.agent, outcome, by, waitedMs: Math.max(0, nowMs - ask.askedAtMs) };
    this.closed.set(id, closed);
    if (this.closed.size > CLOSED_KEPT) this.closed.delete(this.closed.keys().next().value as string);
    entry.settle(closed);
    return closed;
  }
}

/** Whether an outcome lets the held request through. */
export function allows(outcome: EgressAskOutcome): boolean {
  return outcome === 'once' || outcome === 'agent' || outcome === 'always';
}

function grantKey(agent: string, host: string, port: number): string {
  return `${agent}\n${host.toLowerCase()}\n${port}`;
}
