import { request } from 'node:http';
import type { HealthReport } from './health-state.js';
import { summarizeHealth } from './health-state.js';

export interface ProbeResult {
  healthy: boolean;
  /** One line: why healthy or not. */
  line: string;
  report: HealthReport | null;
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** Asks the running supervisor's /readyz; settles within `timeoutMs` whatever the server does. */
export function probeHealth(options: { host: string; port: number; timeoutMs: number }): Promise<ProbeResult> {
  const host = WILDCARD_HOSTS.has(options.host) ? '127.0.0.1' : options.host;
  const where = `${host}:${options.port}`;
  return new Promise((resolve) => {
    const fail = (why: string) => resolve({ healthy: false, line: `unhealthy: supervisor not answering on ${where} (${why})`, report: null });
    const timer = setTimeout(() => {
      req.destroy();
      fail(`no answer within ${options.timeoutMs} ms`);
    }, options.timeoutMs);
    const req = request({ host, port: options.port, path: '/readyz', method: 'GET', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        try {
          const report = JSON.parse(body) as HealthReport;
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

/** The report as lines for people (`status`). */
export function formatStatus(result: ProbeResult): string {
  const r = result.report;
  if (!r) return result.line;
  const lines = [
    `agentgate ${r.version}: ${r.status === 'ok' ? 'healthy' : 'UNHEALTHY'} (${r.mode} mode, ${r.phase}, up ${Math.round(r.uptimeMs / 1000)} s)`,
    ...Object.entries(r.checks).map(([name, c]) => `  ${c.ok ? 'ok  ' : 'FAIL'} ${name.padEnd(10)} ${c.reason}`),
    `  agent pid: ${r.agentPid ?? '-'}   restarts: ${r.restarts}`,
  ];
  if (r.lastExit) lines.push(`  last exit: ${r.lastExit.signal ? `signal ${r.lastExit.signal}` : `code ${r.lastExit.code}`} after ${r.lastExit.runMs} ms`);
  if (r.backoff) lines.push(`  next restart: attempt ${r.backoff.attempt} in ${r.backoff.remainingMs} ms`);
  return lines.join('\n');
}
