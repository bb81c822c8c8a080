import { request } from 'node:http';
import { formatDuration, formatMoment } from '../contract/durations.js';
import type { HealthReport } from '../contract/health-report.js';
import { describeExit, summarizeHealth } from '../contract/health-report.js';
import { type ProxyHealthReport, formatProxyStatus, isProxyReport, summarizeProxyHealth } from '../contract/proxy-report.js';

export interface ProbeResult {
  healthy: boolean;
  /** One line: why healthy or not. */
  line: string;
  report: HealthReport | null;
  /** The egress proxy's report instead, when the health port is a proxy's (`agentgate proxy`). */
  proxy?: ProxyHealthReport | null;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** The base URL a client uses for a server listening on host:port (a wildcard address is reached on loopback). */
export function healthBaseUrl(host: string, port: number): string {
  const reachable = WILDCARD_HOSTS.has(host) ? '127.0.0.1' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return `http://${reachable}:${port}`;
}

/**
 * Asks the running supervisor's /readyz (or /livez with `live`: only whether it answers, the liveness probe
 * that must not restart a container whose agent is merely crash-looping or waiting for a fix) at `baseUrl`;
 * settles within `timeoutMs` whatever the server does.
 */
export function probeHealth(options: { baseUrl: string; timeoutMs: number; live?: boolean }): Promise<ProbeResult> {
  const where = options.baseUrl.replace(/^http:\/\//, '');
  return new Promise((resolve) => {
    const fail = (why: string) => resolve({ healthy: false, line: `unhealthy: supervisor not answering on ${where} (${why})`, report: null });
    const timer = setTimeout(() => {
      req.destroy();
      fail(`no answer within ${options.timeoutMs} ms`);
    }, options.timeoutMs);
    const req = request(`${options.baseUrl}${options.live ? '/livez' : '/readyz'}`, { method: 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        if (options.live) {
          const alive = res.statusCode === 200;
          return resolve({ healthy: alive, line: alive ? `alive: supervisor answers on ${where}` : `not alive: ${where} answered ${res.statusCode}`, report: null });
        }
        try {
          const parsed = JSON.parse(body) as unknown;
          if (isProxyReport(parsed)) return resolve({ healthy: res.statusCode === 200, line: summarizeProxyHealth(parsed), report: null, proxy: parsed });
          const report = parsed as HealthReport;
          resolve({ healthy: res.statusCode === 200, line: summarizeHealth(report), report });
        } catch {
          resolve({ healthy: false, line: `unhealthy: ${where} answered ${res.statusCode} without a health report`, report: null });
        }
      });
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(error.code ?? error.message);
    });
    req.end();
  });
}

/** The report as lines for people (`status`): durations and clock times, not milliseconds and epochs. */
export function formatStatus(result: ProbeResult, nowMs: number): string {
  const r = result.report;
  if (result.proxy) return formatProxyStatus(result.proxy);
  if (!r) return result.line;
  const lines = [
    `agentgate ${r.version}: ${r.status === 'ok' ? 'healthy' : 'UNHEALTHY'} (${r.mode} mode, ${r.phase}, up ${formatDuration(r.uptimeMs)})`,
    ...Object.entries(r.checks).map(([name, c]) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${name.padEnd(10)} ${c.reason}`),
    `  agent pid: ${r.agentPid ?? '-'}   restarts: ${r.restarts}`,
  ];
  if (r.agentState) lines.push(`  agent state: ${r.agentState.state} for ${formatDuration(r.agentState.forMs)}`);
  for (const d of r.decisions ?? []) {
    lines.push(`  decision ${d.id}: ${d.tool} ${d.summary} (asked ${formatMoment(d.askedAtMs, nowMs)}; agentgate approve|deny ${d.id})`);
  }
  for (const a of r.pendingEgressAsks ?? []) {
    lines.push(`  egress ask ${a.id}: ${a.method} ${a.host}:${a.port}${a.path ?? ''} (asked ${formatMoment(a.askedAtMs, nowMs)}; agentgate approve|deny NAME ${a.id} on the host)`);
  }
  if (r.needsLogin) lines.push(`  needs login: ${r.loginHint ?? 'the agent has no credential; attach and follow its login (see the log)'}`);
  if (r.lastExit) lines.push(`  last exit: ${describeExit(r.lastExit)} after ${formatDuration(r.lastExit.runMs)}, at ${formatMoment(r.lastExit.atMs, nowMs)}`);
  if (r.lastExit && r.lastExit.lastLines.length > 0) {
    lines.push('  its screen at the end:', ...r.lastExit.lastLines.slice(-5).map((line) => `    | ${line}`));
  }
  if (r.backoff) lines.push(`  next restart: attempt ${r.backoff.attempt} in ${formatDuration(r.backoff.remainingMs)}`);
  return lines.join('\n');
}
