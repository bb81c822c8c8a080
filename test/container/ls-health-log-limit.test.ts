import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDigest } from '../../supervisor/contract/report-digest.js';
import { ROOT, TestContainers, requireEngine } from '../helpers/containers.js';
import { docker, inspect } from '../helpers/docker.js';
import { waitFor } from '../helpers/wait-for.js';

// Docker keeps the first 4096 bytes of a health check's output (and adds "..."). A failed start held for a stop
// (AGENTGATE_ON_START_ERROR=wait) gives every bad value in its reason, so its answer line is as long as the values
// are: the longest reason an agent's container can put in its health (an exit's cause is one of a few fixed words).
const reachable = requireEngine();
const made = new TestContainers();
afterAll(() => made.cleanup());

/** Characters that grow when escaped as JSON, or take 3 and 4 bytes in UTF-8. */
const HOSTILE = '"\\\u0001€😀';
const CASES: Record<string, string[]> = {
  // The answer line ends where the digest would have been cut in two.
  'near-limit': ['-e', `AGENTGATE_IDLE_MS=${'x'.repeat(3500)}`],
  // Many long fields: far past the limit.
  'many-long': ['IDLE_MS', 'STABLE_RUN_MS', 'CRASH_LOOP_WINDOW_MS', 'DECISION_WAIT_MS', 'EGRESS_ASK_WAIT_MS', 'RECORD', 'TRANSCRIPT']
    .flatMap((name) => ['-e', `AGENTGATE_${name}=${HOSTILE.repeat(400)}`]),
};

type Row = Record<string, string | number | null>;
function ls(): Row[] {
  const r = spawnSync('node', ['dist/agentgate.cjs', 'ls', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Row[];
}

/** What the container's last health check printed, as Docker keeps it. */
const lastProbeOutput = (container: string): string => (JSON.parse(inspect(container, '{{json .State.Health.Log}}') || '[]') as Array<{ Output: string }>).at(-1)?.Output ?? '';

describe.skipIf(!reachable)('agentgate ls with reasons as long as they get (Docker keeps 4096 bytes of a probe)', () => {
  it('reads the agent from a whole digest in its health log, and the memory line whole', async () => {
    const containers = Object.entries(CASES).map(([label, env]) => made.runAgent(`ls-limit-${label}`, 'agent-idle.sh', ['-e', 'AGENTGATE_ON_START_ERROR=wait', ...env]).container);
    for (const container of containers) {
      await waitFor(() => lastProbeOutput(container).startsWith('unhealthy: start: start failed: '), 'a health check of the failed start', 30_000, () => lastProbeOutput(container));
      const output = lastProbeOutput(container);
      const lines = output.split('\n');
      // Every digest line Docker kept parses: none half-read.
      const digests = lines.filter((l) => l.startsWith('report '));
      expect(digests, output.slice(-1500)).toHaveLength(1);
      expect(parseDigest(digests[0] as string), output.slice(-1500)).toMatchObject({ phase: 'failed', checks: { start: { ok: false } } });
      expect(lines.filter((l) => l.startsWith('memory ')), output.slice(-300)).toEqual([expect.stringMatching(/^memory \d+ \d+$/)]);
      expect(output.endsWith('\n'), output.slice(-300)).toBe(true);
    }
    const since = Math.floor(Date.now() / 1000);
    const rows = ls();
    for (const container of containers) {
      const row = rows.find((r) => r.container === container);
      expect(row, JSON.stringify(rows.map((r) => r.container))).toMatchObject({ state: 'failed-start', why: expect.stringMatching(/^start failed: invalid configuration: /), phase: 'failed' });
      expect(Number(row?.memoryBytes)).toBeGreaterThan(2 ** 20);
      // From the health log: ls started nothing in the container (the engine's health checks run the probe by its path).
      const events = docker(['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${container}`, '--filter', 'event=exec_create', '--format', '{{json .Action}}']);
      const byLs = events.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as string).filter((a) => !a.startsWith('exec_create: /usr/local/bin/agentgate-probe'));
      expect(byLs).toEqual([]);
    }
  });
});
