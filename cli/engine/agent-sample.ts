import type Docker from 'dockerode';
import type { HealthReport } from '../../supervisor/contract/health-report.js';
import { type ReportDigest, parseDigest } from '../../supervisor/contract/report-digest.js';
import { execCapture } from './exec.js';
import { HEALTH_SCRIPT } from './health.js';

/**
 * The supervisor's health report and the container's memory (what `docker stats` shows: usage without the
 * inactive page cache, cgroup v2 or v1), read in one exec: the image's own probe, `agentgate-probe --report` (the
 * digest `ls` needs, as the HEALTHCHECK prints it) or `--sample` (the whole report the board needs). The engine's
 * one-shot stats call waits for its next sample (about 1 s on Docker 20.10), which made `ls` with 20 agents take 2 s.
 */
const PROBE = 'agentgate-probe';

/**
 * Images without that probe (or with one that takes neither flag) get the same from this inline script: shell
 * builtins but for curl, as the probe. The probe is found on PATH, so the engine's exec events tell `ls`'s
 * probe from the HEALTHCHECK's (/usr/local/bin/agentgate-probe).
 */
const FALLBACK_SCRIPT = `${HEALTH_SCRIPT}; echo
m=/sys/fs/cgroup; u=; i=0; k=inactive_file
if [ -r $m/memory.current ]; then read -r u < $m/memory.current; s=$m/memory.stat
elif [ -r $m/memory/memory.usage_in_bytes ]; then read -r u < $m/memory/memory.usage_in_bytes; s=$m/memory/memory.stat; k=total_inactive_file; fi
[ -n "$u" ] && while read -r n v; do [ "$n" = "$k" ] && i=$v; done < $s
echo "memory $u $i"`;

/**
 * The probe's exit codes that say this image cannot answer through it: 2, a probe that does not know the flag
 * (its usage line); 126 and 127, no probe to run (the engine's answer for an executable it cannot start).
 */
const NO_PROBE_CODES = new Set([2, 126, 127]);

export interface AgentSample<R> {
  report: R | null;
  /** Null when the cgroup files are not readable in the container: ask the engine's stats then. */
  memoryBytes: number | null;
}

/** What `ls --live` shows of a running agent: its report's digest, asked now. */
export async function sampleDigest(docker: Docker, containerId: string, timeoutMs = 5000): Promise<AgentSample<ReportDigest>> {
  const probed = await probe(docker, containerId, '--report', timeoutMs);
  if (probed === null) return fallback(docker, containerId, timeoutMs);
  return { report: parseDigest(probed), memoryBytes: memoryIn(probed) };
}

/** What the board shows of a running agent: its whole report (decisions and egress asks included), asked now. */
export async function sampleReport(docker: Docker, containerId: string, timeoutMs = 5000, signal?: AbortSignal): Promise<AgentSample<HealthReport>> {
  const probed = await probe(docker, containerId, '--sample', timeoutMs, signal);
  return probed === null ? fallback(docker, containerId, timeoutMs, signal) : parseJsonSample(probed);
}

/** The probe's output, or null when the image has no probe that takes `flag`. */
async function probe(docker: Docker, containerId: string, flag: '--report' | '--sample', timeoutMs: number, signal?: AbortSignal): Promise<string | null> {
  try {
    const { code, stdout } = await execCapture(docker, containerId, [PROBE, flag], timeoutMs, { signal });
    return NO_PROBE_CODES.has(code) ? null : stdout;
  } catch {
    // Some engines refuse to start an exec whose executable is missing instead of answering 126 or 127.
    return null;
  }
}

async function fallback(docker: Docker, containerId: string, timeoutMs: number, signal?: AbortSignal): Promise<AgentSample<HealthReport>> {
  if (signal?.aborted) return { report: null, memoryBytes: null };
  const { stdout } = await execCapture(docker, containerId, ['sh', '-c', FALLBACK_SCRIPT], timeoutMs, { signal }).catch(() => ({ stdout: '' }));
  return parseJsonSample(stdout);
}

/** A JSON report followed by the memory line (the probe's --sample, the inline script). */
function parseJsonSample(stdout: string): AgentSample<HealthReport> {
  const lines = stdout.split('\n');
  const json = lines.filter((l) => !l.startsWith('memory ')).join('\n').trim();
  let report: HealthReport | null = null;
  try {
    report = json ? (JSON.parse(json) as HealthReport) : null;
  } catch {
    report = null;
  }
  return { report, memoryBytes: memoryIn(stdout) };
}

/** The bytes in use from a probe's output: its last memory line, when it is whole. */
export function memoryIn(output: string): number | null {
  return parseMemoryLine(
    output
      .split('\n')
      .reverse()
      .find((l) => l.startsWith('memory ')),
  );
}

/**
 * "memory <usage> <inactive file>" as bytes in use (no cache figure counts as none), or null when the line is not
 * whole: one Docker cut at its health log's limit ("memory 123 45...") is not a usage with no cache to take off.
 */
export function parseMemoryLine(line: string | undefined): number | null {
  const match = /^memory (\d+) (\d*)$/.exec(line ?? '');
  return match ? Math.max(0, Number(match[1]) - Number(match[2] || 0)) : null;
}
