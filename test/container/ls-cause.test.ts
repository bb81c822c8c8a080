import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, TestContainers, logEvents, readyz, requireEngine } from '../helpers/containers.js';
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
    // Only the engine's own health checks ran in it (the HEALTHCHECK names the probe by its path); `ls` started nothing.
    const byLs = (since: number) => execsSince(container, since).filter((a) => !a.startsWith('exec_create: /usr/local/bin/agentgate-probe'));
    expect(byLs(since)).toEqual([]);
    const liveSince = Math.floor(Date.now() / 1000);
    expect(ls('--live').find((r) => r.container === container)).toMatchObject({ state: 'idle', phase: 'running' });
    // One exec, the image's own probe (no second copy of its shell in the host command).
    expect(byLs(liveSince)).toEqual(['exec_create: agentgate-probe --report']);
  });

  it('an older image (a probe without --report, or none): ls --live asks through its own script instead', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentgate-old-probe-'));
    made.track(dir);
    const oldProbe = join(dir, 'agentgate-probe');
    writeFileSync(oldProbe, '#!/bin/sh\necho "usage: agentgate-probe [--live]" >&2\nexit 2\n');
    chmodSync(oldProbe, 0o755);
    const containers = ([['ls-old-probe', oldProbe], ['ls-no-probe', '/dev/null']] as const).map(([label, probe]) => made.runAgent(label, 'agent-idle.sh', ['-v', `${probe}:/usr/local/bin/agentgate-probe:ro`]).container);
    for (const container of containers) {
      // Watched in its log, not by an exec: the engine's exec events below are ls's own.
      await waitFor(() => logEvents(container, 'agent state').some((e) => e.state === 'idle'), 'the agent idle', 30_000);
      const since = Math.floor(Date.now() / 1000);
      const row = ls('--live').find((r) => r.container === container);
      expect(row).toMatchObject({ state: 'idle', phase: 'running', restarts: 0 });
      expect(row?.memoryBytes).toBeGreaterThan(2 ** 20);
      const byLs = execsSince(container, since).filter((a) => !a.startsWith('exec_create: /usr/local/bin/agentgate-probe'));
      expect(byLs).toEqual(['exec_create: agentgate-probe --report', expect.stringMatching(/^exec_create: sh -c /)]);
    }
  });
});
