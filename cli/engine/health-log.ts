import type Docker from 'dockerode';
import { type ReportDigest, parseDigest } from '../../supervisor/contract/report-digest.js';
import { memoryIn } from './agent-sample.js';

/** An agent as its last health check saw it: Docker keeps each probe's output in the container's health log. */
export interface HealthLogSample {
  digest: ReportDigest;
  memoryBytes: number | null;
  /** When the probe that printed it ended (ms since the epoch). */
  atMs: number;
}

/**
 * A probe older than this is not used (a paused container, a health check that hangs): `ls` asks the agent
 * itself then. The image probes every 10 s; compose on engines before 25 every 2 s.
 */
const MAX_AGE_MS = 60_000;

/**
 * The digest `agentgate-probe --report` printed in the container's last health check, read with one inspect
 * (no process started in the container), or null: no health check yet, one without `--report` (an older image,
 * a custom healthcheck), or too old.
 */
export async function readHealthLog(docker: Docker, containerId: string, nowMs: number): Promise<HealthLogSample | null> {
  const info = await docker.getContainer(containerId).inspect().catch(() => null);
  const last = info?.State?.Health?.Log?.at(-1);
  if (!last) return null;
  const atMs = Date.parse(last.End);
  if (!Number.isFinite(atMs) || nowMs - atMs > MAX_AGE_MS) return null;
  const digest = parseDigest(last.Output);
  if (!digest) return null;
  return { digest, memoryBytes: memoryIn(last.Output), atMs };
}
