/** The egress proxy's health report (`agentgate proxy`'s /readyz): what `status` and `health` read in its container. */
export interface ProxyHealthReport {
  status: 'ok';
  mode: 'proxy';
  rules: number;
  allowed: number;
  denied: number;
  upstreamFailed: number;
  /** The API credential endpoint: the kinds it holds (never values), requests forwarded and failed. */
  credentials: { held: string[]; forwarded: number; failed: number };
  /** The git credential endpoint (absent from proxies before it): the hosts it holds a token for. */
  git?: { hosts: string[]; forwarded: number; failed: number };
  /** The hosts with the most connections (or credential requests) in the last hour, most first. */
  topHostsLastHour: Array<{ host: string; connections: number; bytesOut?: number; bytesIn?: number }>;
  /** With AGENTGATE_EGRESS_ASK=on: the requests to unlisted hosts waiting for an answer, oldest first. */
  egressAsks?: PendingEgressAsk[];
}

/** A request to an unlisted host, held until answered (`POST /egress/decisions/ID`) or its wait ends. */
export interface PendingEgressAsk {
  id: string;
  host: string;
  port: number;
  method: string;
  /** Plain HTTP only (a CONNECT tunnel hides it), without the query, which can carry tokens. */
  path: string | null;
  /** The proxy username the agent sent (`http://NAME@egress:3128`): a label the agent chooses, not a proof. */
  agent: string | null;
  /** The address the request came from (the agent's container), as the proxy saw it; the ask feed matches on it. */
  client?: string | null;
  askedAtMs: number;
  expiresAtMs: number;
}

/**
 * The proxy's ask feed (`GET /asks` on AGENTGATE_EGRESS_ASK_FEED_PORT): the caller's own asks, found by the
 * address it calls from. `version` changes with every ask held or closed (a new proxy starts a new series).
 */
export interface EgressAskFeed {
  version: string;
  pending: PendingEgressAsk[];
  /** The caller's asks closed lately (the last 64 of the proxy's), oldest first. */
  closed: ClosedEgressAsk[];
}

export type EgressAskOutcome = 'once' | 'agent' | 'always' | 'deny' | 'expired' | 'gone' | 'proxy stopped';

export interface ClosedEgressAsk {
  id: string;
  host: string;
  port: number;
  agent: string | null;
  outcome: EgressAskOutcome;
  /** Who answered (`api`, `container cli`, ...), or `expiry`, `client`, `proxy`. */
  by: string;
  waitedMs: number;
}

/** Tells the proxy's report from the supervisor's: they share the health port and its routes. */
export function isProxyReport(report: unknown): report is ProxyHealthReport {
  return typeof report === 'object' && report !== null && (report as { mode?: unknown }).mode === 'proxy';
}

/** `agentgate health`'s one line in the proxy's container. */
export function summarizeProxyHealth(r: ProxyHealthReport): string {
  return `healthy: egress proxy with ${rules(r.rules)}, ${r.allowed} allowed, ${r.denied} denied`;
}

/** `agentgate status` in the proxy's container: the counts, what it holds, and the last hour's top hosts. */
export function formatProxyStatus(r: ProxyHealthReport): string {
  const lines = [
    `agentgate egress proxy: ${r.status === 'ok' ? 'healthy' : 'UNHEALTHY'} (${rules(r.rules)})`,
    `  allowed: ${r.allowed}   denied: ${r.denied}   upstream failed: ${r.upstreamFailed}`,
    `  API credential: ${r.credentials.held.length > 0 ? r.credentials.held.join(', ') : 'none held'} (${r.credentials.forwarded} forwarded, ${r.credentials.failed} failed)`,
  ];
  if (r.git) lines.push(`  git tokens: ${r.git.hosts.length > 0 ? r.git.hosts.join(', ') : 'none held'} (${r.git.forwarded} forwarded, ${r.git.failed} failed)`);
  if (r.egressAsks && r.egressAsks.length > 0) {
    lines.push(`  waiting for an answer (agentgate approve ID [--once|--for-agent|--always], deny ID):`);
    for (const a of r.egressAsks) lines.push(`    ${a.id}  ${a.method} ${a.host}:${a.port}${a.path ?? ''}${a.agent ? ` (agent ${a.agent})` : ''}`);
  }
  if (r.topHostsLastHour.length === 0) lines.push('  top hosts, last hour: none');
  else {
    lines.push('  top hosts, last hour:');
    const width = Math.max(...r.topHostsLastHour.map((h) => h.host.length));
    for (const h of r.topHostsLastHour) {
      lines.push(`    ${h.host.padEnd(width)}  ${String(h.connections).padStart(6)} conn  ${formatBytes(h.bytesOut ?? 0).padStart(9)} out  ${formatBytes(h.bytesIn ?? 0).padStart(9)} in`);
    }
  }
  return lines.join('\n');
}

function rules(count: number): string {
  return `${count} allowlist ${count === 1 ? 'entry' : 'entries'}`;
}

/** Bytes as people read them: `812 B`, `4.2 KiB`, `17.0 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
