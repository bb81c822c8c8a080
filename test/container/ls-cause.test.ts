import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, TestContainers, readyz, requireEngine } from '../helpers/containers.js';
import { docker, waitForHealth } from '../helpers/docker.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
afterAll(() => made.cleanup());

type Row = Record<string, string | number | null>;
function ls(...flags: string[]): Row[] {
  const r = spawnSync('node', ['dist/agentgate.cjs', 'ls', '--json', ...flags], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Row[];
}

/** The commands the engine started in a container since `sinceS` (seconds since the epoch), from its events. */
function execsSince(container: string, sinceS: number): string[] {
  const r = docker(['events', '--since', String(sinceS), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `container=${container}`, '--filter', 'event=exec_create', '--format', '{{json .Action}}']);
  return r.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as string);
}

describe.skipIf(!reachable)('agentgate ls (make ls)', () => {
  it('shows the cause a crash-looping agent is known to fail with (issue 17 #9)', async () => {
    const { container } = made.runAgent('ls-cause', 'agent-api-down.sh 0.3', ['-e', 'AGENTGATE_CRASH_LOOP_RESTARTS=2', '-e', 'AGENTGATE_BACKOFF_MAX_MS=400']);
    await waitFor(() => {
      const r = readyz(container);
      return r.checks?.crashLoop?.ok === false && r.lastExit?.cause === 'cannot reach its API';
    }, 'a crash loop with its cause', 30_000);
    // Asked now, and as the next health checks see it (the probe runs every second here).
    const live = ls('--live').find((r) => r.container === container);
    expect(live).toMatchObject({ state: 'crash-loop', why: expect.stringMatching(/^crash loop: .*; last exit: cannot reach its API$/) });
    let row: Row | undefined;
    await waitFor(() => (row = ls().find((r) => r.container === container))?.state === 'crash-loop', 'ls from the health log', 30_000, () => JSON.stringify(row));
    expect(row).toMatchObject({ why: expect.stringMatching(/^crash loop: .*; last exit: cannot reach its API$/) });
  });

  it('reads a running agent from its last health check without starting a process in it; --live asks it now', async () => {
    const { container } = made.runAgent('ls-log', 'agent-idle.sh');
    await waitForHealth(container, 'healthy', 30_000);
    const since = Math.floor(Date.now() / 1000);
    // The agent settles (working, then idle); a later health check carries it to ls.
    let row: Row | undefined;
    await waitFor(() => (row = ls().find((r) => r.container === container))?.state === 'idle', 'ls saying idle', 30_000, () => JSON.stringify(row));
    expect(row).toMatchObject({ restarts: 0, phase: 'running' });
    expect(row?.memoryBytes).toBeGreaterThan(2 ** 20);
    expect(Date.now() - Number(row?.asOfMs)).toBeLessThan(30_000);
    // Only the engine's own health checks ran in it; `ls` started nothing.
    const byLs = (since: number) => execsSince(container, since).filter((a) => !a.includes('agentgate-probe'));
    expect(byLs(since)).toEqual([]);
    const liveSince = Math.floor(Date.now() / 1000);
    expect(ls('--live').find((r) => r.container === container)).toMatchObject({ state: 'idle', phase: 'running' });
    expect(byLs(liveSince)).toEqual([expect.stringMatching(/^exec_create: sh -c /)]);
  });
});
