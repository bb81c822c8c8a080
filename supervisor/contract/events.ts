/**
 * The events other programs read: `GET /events` (server-sent events, `event: <name>`) and the webhook's
 * `event` field. Host tools import these types; the names and fields are the documented contract.
 */
import type { ExitRecord } from './health-report.js';

export interface WireEventData {
  'agent started': { pid: number; restarts: number; width?: number; height?: number; at: string };
  'agent exited': { pid: number; code: number | null; signal: string | null; runMs: number; reason: string; cause: ExitRecord['cause']; lastLines: string[]; at: string };
  'crash loop': { restartsInWindow: number; restartsSinceStableRun: number; windowMs: number; cause: string | null; at: string };
  stopping: { pid: number; graceMs: number; at: string };
  'oom kill': { pid: number; count: number; total: number; limitBytes: number | null; at: string };
  state: { state: string; previous: string; cause: string; at: string };
}

export type WireEventName = keyof WireEventData;

/** What the webhook posts: the event, its facts, and which container and session it came from. */
export type WebhookPayload = {
  event: 'crash loop' | 'agent waiting for input' | 'agent needs permission';
  container: string;
  session: string;
  at: string;
} & Record<string, unknown>;
