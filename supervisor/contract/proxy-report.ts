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
