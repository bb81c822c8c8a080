import type Docker from 'dockerode';
import type { HealthReport } from '../../supervisor/contract/health-report.js';
import { execCapture } from './exec.js';
import { HEALTH_SCRIPT } from './health.js';

/**
 * The supervisor's health report and the container's memory (what `docker stats` shows: usage without the
 * inactive page cache, cgroup v2 or v1), read in one exec. The engine's one-shot stats call waits for its next
 * sample (about 1 s on Docker 20.10), which made `ls` with 20 agents take 2 s. Shell builtins but for curl: every
 * process started in 20 containers at once counts.
 */
const SAMPLE_SCRIPT = `${HEALTH_SCRIPT}; echo
m=/sys/fs/cgroup; u=; i=0; k=inactive_file
if [ -r $m/memory.current ]; then read -r u < $m/memory.current; s=$m/memory.stat
elif [ -r $m/memory/memory.usage_in_bytes ]; then read -r u < $m/memory/memory.usage_in_bytes; s=$m/memory/memory.stat; k=total_inactive_file; fi
[ -n "$u" ] && while read -r n v; do [ "$n" = "$k" ] && i=$v; done < $s
echo "memory $u $i"`;

export interface AgentSample {
  report: HealthReport | null;
  /** Null when the cgroup files are not readable in the container: ask the engine's stats then. */
  memoryBytes: number | null;
}

export async function sampleAgent(docker: Docker, containerId: string, timeoutMs = 5000): Promise<AgentSample> {
  const { stdout } = await execCapture(docker, containerId, ['sh', '-c', SAMPLE_SCRIPT], timeoutMs).catch(() => ({ stdout: '' }));
  const lines = stdout.split('\n');
  const memoryLine = [...lines].reverse().find((l) => l.startsWith('memory '));
  const json = lines.filter((l) => l !== memoryLine).join('\n').trim();
  let report: HealthReport | null = null;
  try {
    report = json ? (JSON.parse(json) as HealthReport) : null;
  } catch {
    report = null;
  }
  return { report, memoryBytes: parseMemoryLine(memoryLine) };
}

/** "memory <usage> <inactive file>" as bytes in use, or null when the usage is missing. */
export function parseMemoryLine(line: string | undefined): number | null {
  const [, usage, inactive] = line?.split(' ') ?? [];
  if (!usage || !/^\d+$/.test(usage)) return null;
  return Math.max(0, Number(usage) - (/^\d+$/.test(inactive ?? '') ? Number(inactive) : 0));
}
