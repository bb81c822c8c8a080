import type Docker from 'dockerode';
import type { HealthReport } from '../../supervisor/contract/health-report.js';
import { execCapture } from './exec.js';

/** Prints the supervisor's /readyz body (the health-url file says where it serves, else the default port). */
export const HEALTH_SCRIPT = 'url="http://127.0.0.1:${AGENTGATE_HEALTH_PORT:-7433}"; [ -r /tmp/agentgate/health-url ] && read -r url < /tmp/agentgate/health-url; curl -sS -m 2 "$url/readyz"';

/**
 * The supervisor's own health report, asked inside the container with curl (the image's HEALTHCHECK does the
 * same: a fraction of the cost of starting node for `agentgate health`). Null when nothing answers.
 */
export async function readReport(docker: Docker, containerId: string, timeoutMs = 5000): Promise<HealthReport | null> {
  try {
    const result = await execCapture(docker, containerId, ['sh', '-c', HEALTH_SCRIPT], timeoutMs);
    return result.stdout.trim() ? (JSON.parse(result.stdout) as HealthReport) : null;
  } catch {
    return null;
  }
}
