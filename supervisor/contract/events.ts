/**
 * The events other programs read: `GET /events` (server-sent events, `event: <name>`) and the webhook's
 * `event` field. Host tools import these types; the names and fields are the documented contract.
 */
import type { ExitRecord } from './health-report.js';
import type { ClosedEgressAsk, PendingEgressAsk } from './proxy-report.js';

export interface WireEventData {
  'agent started': { pid: number; restarts: number; width?: number; height?: number; at: string };
  'agent exited': { pid: number; code: number | null; signal: string | null; runMs: number; reason: string; cause: ExitRecord['cause']; lastLines: string[]; at: string };
  'crash loop': { restartsInWindow: number; restartsSinceStableRun: number; windowMs: number; cause: string | null; at: string };
  stopping: { pid: number; graceMs: number; at: string };
  'oom kill': { pid: number; count: number; total: number; limitBytes: number | null; at: string };
  state: { state: string; previous: string; cause: string; at: string };
  'decision pending': PendingDecision & { at: string };
  'decision closed': ClosedDecision & { at: string };
  /** The agent's request to an unlisted host, held by the egress proxy (AGENTGATE_EGRESS_ASK_FEED_URL). */
  'egress ask pending': PendingEgressAsk & { at: string };
  /** It ended: answered in the proxy, expired, or gone (`outcome` `unknown` when the proxy no longer knew). */
  'egress ask closed': (ClosedEgressAsk | (Omit<ClosedEgressAsk, 'outcome'> & { outcome: 'unknown' })) & { at: string };
}

/** A permission request of the agent's held for an answer (its PermissionRequest hook). */
export interface PendingDecision {
  id: string;
  tool: string;
  /** The tool's input in one line, secrets scrubbed, at most 200 characters. */
  summary: string;
  askedAtMs: number;
  expiresAtMs: number;
}

/** How a decision ended: answered (allow or deny, and by which channel), or left to the terminal's dialog. */
export interface ClosedDecision {
  id: string;
  tool: string;
  outcome: 'allow' | 'deny' | 'expired' | 'at the terminal' | 'agent exited';
  /** Who or what closed it: the answering channel (`host cli`, `api`, ...), `terminal`, `expiry`, `supervisor`. */
  by: string;
  waitedMs: number;
  /** A deny's message carried back to the agent (scrubbed). */
  hasMessage: boolean;
}

export type WireEventName = keyof WireEventData;

/** What the webhook posts: the event, its facts, and which container and session it came from. */
export type WebhookPayload = {
  event: 'crash loop' | 'agent waiting for input' | 'agent needs permission' | 'decision pending' | 'egress ask pending';
  container: string;
  session: string;
  at: string;
  /** A pending decision's signed, single-use approve and deny links (only with AGENTGATE_PUBLIC_URL). */
  links?: { allow: string; deny: string };
} & Record<string, unknown>;
