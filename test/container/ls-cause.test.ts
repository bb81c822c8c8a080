import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, TestContainers, readyz, requireEngine } from '../helpers/containers.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
afterAll(() => made.cleanup());

describe.skipIf(!reachable)('agentgate ls (make ls)', () => {
  it('shows the cause a crash-looping agent is known to fail with (issue 17 #9)', async () => {
    const { container } = made.runAgent('ls-cause', 'agent-api-down.sh 0.3', ['-e', 'AGENTGATE_CRASH_LOOP_RESTARTS=2', '-e', 'AGENTGATE_BACKOFF_MAX_MS=400']);
    await waitFor(() => {
      const r = readyz(container);
      return r.checks?.crashLoop?.ok === false && r.lastExit?.cause === 'cannot reach its API';
    }, 'a crash loop with its cause', 30_000);
    const ls = spawnSync('node', ['dist/agentgate.cjs', 'ls', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(ls.status, ls.stderr).toBe(0);
    const row = (JSON.parse(ls.stdout) as Array<Record<string, string>>).find((r) => r.container === container);
    expect(row).toMatchObject({ state: 'crash-loop', why: expect.stringMatching(/^crash loop: .*; last exit: cannot reach its API$/) });
  });
});
