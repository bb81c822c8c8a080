import type { ClosedDecision, PendingDecision } from '../../contract/events.js';

/** At most this many requests wait at once; more end at once, with no output (the terminal's dialog decides). */
export const MAX_PENDING_DECISIONS = 64;
/** Closed decisions remembered, so that a late answer learns who answered first (409) rather than "unknown". */
const CLOSED_KEPT = 256;

export interface Answer {
  behavior: 'allow' | 'deny';
  /** For a deny: what the agent is told. */
  message?: string;
  /** The channel it came through (`host cli`, `container cli`, `api`). */
  by: string;
}

export type AnswerResult = { ok: true; closed: ClosedDecision } | { ok: false; status: 404 | 409; error: string };

/** Called once when a decision closes: with the answer when someone answered, else null (the terminal decides). */
export type Settle = (closed: ClosedDecision, answer: Answer | null) => void;

interface Entry {
  decision: PendingDecision;
  /** The tool and its input: a PostToolUse with the same key means the terminal answered it. */
  key: string;
  settle: Settle;
}

/**
 * The pending permission decisions and the recently closed ones. Pure: the caller gives the time, holds the
 * hooks and the timers. The first close wins; every later answer gets who closed it.
 */
export class DecisionBook {
  private readonly pending = new Map<string, Entry>();
  private readonly closed = new Map<string, ClosedDecision>();

  /** False when MAX_PENDING_DECISIONS already wait: the request is not held. */
  ask(decision: PendingDecision, key: string, settle: Settle): boolean {
    if (this.pending.size >= MAX_PENDING_DECISIONS) return false;
    this.pending.set(decision.id, { decision, key, settle });
    return true;
  }

  has(id: string): boolean {
    return this.pending.has(id) || this.closed.has(id);
  }

  /** The decision if it waits, else how it closed, else null (never asked, or closed long ago). */
  lookup(id: string): { pending: PendingDecision } | { closed: ClosedDecision } | null {
    const entry = this.pending.get(id);
    if (entry) return { pending: entry.decision };
    const closed = this.closed.get(id);
    return closed ? { closed } : null;
  }

  answer(id: string, answer: Answer, nowMs: number): AnswerResult {
    const entry = this.pending.get(id);
    if (!entry) {
      const earlier = this.closed.get(id);
      if (!earlier) return { ok: false, status: 404, error: `no decision ${JSON.stringify(id)}: agentgate status lists the pending ones` };
      return { ok: false, status: 409, error: `decision ${id} already closed: ${describeClose(earlier)}` };
    }
    return { ok: true, closed: this.finish(entry, answer.behavior, answer.by, nowMs, answer) };
  }

  /** Closes one decision without an answer (expired, the hook went away); null when it was not pending. */
  close(id: string, outcome: Exclude<ClosedDecision['outcome'], 'allow' | 'deny'>, by: string, nowMs: number): ClosedDecision | null {
    const entry = this.pending.get(id);
    return entry ? this.finish(entry, outcome, by, nowMs, null) : null;
  }

  /** Closes the oldest decision for this tool and input (the tool ran or failed: the terminal answered it). */
  closeMatching(key: string, outcome: 'at the terminal', by: string, nowMs: number): void {
    for (const entry of this.pending.values()) {
      if (entry.key === key) return void this.finish(entry, outcome, by, nowMs, null);
    }
  }

  closeAll(outcome: Exclude<ClosedDecision['outcome'], 'allow' | 'deny'>, by: string, nowMs: number): void {
    for (const entry of [...this.pending.values()]) this.finish(entry, outcome, by, nowMs, null);
  }

  /** Oldest first. */
  list(): PendingDecision[] {
    return [...this.pending.values()].map((e) => e.decision);
  }

  private finish(entry: Entry, outcome: ClosedDecision['outcome'], by: string, nowMs: number, answer: Answer | null): ClosedDecision {
    const { decision } = entry;
    this.pending.delete(decision.id);
    const closed: ClosedDecision = {
      id: decision.id,
      tool: decision.tool,
      outcome,
      by,
      waitedMs: Math.max(0, nowMs - decision.askedAtMs),
      hasMessage: Boolean(answer?.message),
    };
    this.closed.set(decision.id, closed);
    if (this.closed.size > CLOSED_KEPT) this.closed.delete(this.closed.keys().next().value as string);
    entry.settle(closed, answer);
    return closed;
  }
}

/** `answered allow by host cli after 3 s`, `expired after 300 s: the terminal decides`, ... */
export function describeClose(c: ClosedDecision): string {
  const after = `after ${Math.round(c.waitedMs / 1000)} s`;
  if (c.outcome === 'allow' || c.outcome === 'deny') return `already answered by ${c.by} (${c.outcome}) ${after}`;
  if (c.outcome === 'expired') return `expired ${after}: the terminal's dialog decides`;
  if (c.outcome === 'agent exited') return 'the agent exited';
  return `answered at the terminal (${c.by}) ${after}`;
}
