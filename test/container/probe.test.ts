import { afterAll, describe, expect, it } from 'vitest';
import { TestContainers, exec, requireEngine } from '../helpers/containers.js';
import { TEST_IMAGE, docker } from '../helpers/docker.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
afterAll(() => made.cleanup());

/** `agentgate health [--live]` and `agentgate-probe [--live]` in one container: their lines and exit codes. */
function bothAnswers(container: string, live: boolean): { health: string; probe: string } {
  const flag = live ? ['--live'] : [];
  const answer = (cmd: string[]) => {
    const r = exec(container, [...cmd, ...flag]);
    return `${r.status}: ${r.stdout}${r.stderr}`;
  };
  return { health: answer(['agentgate', 'health']), probe: answer(['agentgate-probe']) };
}

/** Waits until `agentgate health` says `line`, then expects the probe to say the same, for /readyz and /livez. */
async function expectSameAnswers(container: string, line: RegExp): Promise<void> {
  await waitFor(() => line.test(bothAnswers(container, false).health), `agentgate health saying ${line}`, 30_000);
  const ready = bothAnswers(container, false);
  expect(ready.probe).toBe(ready.health);
  expect(ready.probe).toMatch(line);
  const live = bothAnswers(container, true);
  expect(live.probe).toBe(live.health);
  expect(live.probe).toMatch(/^0: alive: supervisor answers on 127\.0\.0\.1:7433\n$/);
}

describe.skipIf(!reachable)('agentgate-probe: the probes\' command, answering as agentgate health does', () => {
  it('says healthy, exit 0, as agentgate health does, in a healthy container', async () => {
    const { container } = made.runAgent('probe-healthy', 'agent-idle.sh');
    await expectSameAnswers(container, /^0: healthy: agent running/);
  });

  it('says why not, exit 1, as agentgate health does, while the agent waits out its backoff', async () => {
    const { container } = made.runAgent('probe-unhealthy', 'agent-exit.sh', ['-e', 'AGENTGATE_BACKOFF_INITIAL_MS=3600000', '-e', 'AGENTGATE_BACKOFF_MAX_MS=3600000', '-e', 'AGENTGATE_BACKOFF_JITTER=0']);
    await expectSameAnswers(container, /^1: unhealthy: agent: /);
  });

  it('gives the start error, exit 1, as agentgate health does, in a container whose start failed and waits', async () => {
    const { container } = made.runAgent('probe-failed', 'agent-idle.sh', ['-e', 'AGENTGATE_ON_START_ERROR=wait', '-e', 'AGENTGATE_BACKOFF_FACTOR=lots']);
    await expectSameAnswers(container, /^1: unhealthy: .*AGENTGATE_BACKOFF_FACTOR/);
  });

  it('says the supervisor is not answering, exit 1, where none runs, as agentgate health does', () => {
    const script = 'for c in "agentgate health" "agentgate health --live" "agentgate-probe" "agentgate-probe --live"; do $c; echo "rc=$?"; done';
    const r = docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', TEST_IMAGE, '-c', script]);
    const lines = r.stdout.trim().split('\n');
    const down = 'unhealthy: supervisor not answering on 127.0.0.1:7433 (ECONNREFUSED)';
    expect(lines).toEqual([down, 'rc=1', down, 'rc=1', down, 'rc=1', down, 'rc=1']);
  });

  it('follows the health-url file and AGENTGATE_HEALTH_PORT as agentgate health does, and refuses an unknown argument', async () => {
    const { container } = made.runAgent('probe-port', 'agent-idle.sh', ['-e', 'AGENTGATE_HEALTH_PORT=7500']);
    await waitFor(() => exec(container, ['agentgate', 'health']).status === 0, 'healthy on 7500', 30_000);
    expect(exec(container, ['agentgate-probe', '--live']).stdout).toBe('alive: supervisor answers on 127.0.0.1:7500\n');
    // Without the file, the variable alone.
    const noFile = exec(container, ['sh', '-c', 'TMUX_TMPDIR=/nowhere agentgate-probe --live']);
    expect(noFile.stdout).toBe('alive: supervisor answers on 127.0.0.1:7500\n');
    const bad = exec(container, ['agentgate-probe', '--json']);
    expect([bad.status, bad.stderr]).toEqual([2, 'usage: agentgate-probe [--live | --report | --sample]\n']);
  });
});
