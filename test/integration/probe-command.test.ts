import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDigest } from '../../supervisor/contract/report-digest.js';
import { BUNDLE, FIXTURES, SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

// docker/agentgate-probe.sh, the image's probe command, run by the host's sh and curl against the real bundle.
const PROBE = join(FIXTURES, '../../docker/agentgate-probe.sh');

let sup: SupervisorProcess | undefined;
afterEach(async () => {
  await sup?.cleanup();
  sup = undefined;
});

function answer(argv: string[], env: Record<string, string>): string {
  const r = spawnSync(argv[0] as string, argv.slice(1), { env, encoding: 'utf8', timeout: 10_000 });
  return `${r.status}: ${r.stdout}${r.stderr}`;
}

/** `agentgate health [--live]` and the probe, once each: their exit codes and lines. */
function both(env: Record<string, string>, live: boolean): { health: string; probe: string } {
  const flag = live ? ['--live'] : [];
  return { health: answer([process.execPath, BUNDLE, 'health', ...flag], env), probe: answer(['/bin/sh', PROBE, ...flag], env) };
}

async function expectSame(s: SupervisorProcess, line: RegExp): Promise<void> {
  await waitFor(() => line.test(answer([process.execPath, BUNDLE, 'health'], s.env)), `agentgate health saying ${line}`, 15_000);
  const ready = both(s.env, false);
  expect(ready.probe).toBe(ready.health);
  expect(ready.probe).toMatch(line);
  const live = both(s.env, true);
  expect(live.probe).toBe(live.health);
  expect(live.probe).toBe(`0: alive: supervisor answers on 127.0.0.1:${s.healthPort}\n`);
}

describe('agentgate-probe answers as agentgate health does', () => {
  it('healthy: exit 0 and the same line', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh' } });
    await expectSame(sup, /^0: healthy: agent running/);
  });

  it('--report: the same answer, then the digest agentgate ls reads from Docker\'s health log and the memory', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-exit.sh', AGENTGATE_BACKOFF_INITIAL_MS: '3600000', AGENTGATE_BACKOFF_MAX_MS: '3600000', AGENTGATE_BACKOFF_JITTER: '0' } });
    const env = sup.env;
    await waitFor(() => /^1: unhealthy: agent: /.test(answer([process.execPath, BUNDLE, 'health'], env)), 'the agent in its backoff', 15_000);
    const health = answer([process.execPath, BUNDLE, 'health'], env);
    const report = answer(['/bin/sh', PROBE, '--report'], env);
    const [first, digestLine, memoryLine] = report.split('\n');
    expect(`${first}\n`).toBe(health);
    const digest = parseDigest(digestLine ?? '');
    expect(digest).toMatchObject({ phase: 'backoff', restarts: 1, lastExit: { cause: null }, checks: { crashLoop: { ok: true } } });
    // This machine's cgroup (v1 or v2) is readable, as a container's own is.
    expect(memoryLine).toMatch(/^memory \d+ \d+$/);
    expect(answer(['/bin/sh', PROBE, '--bogus'], env)).toBe('2: usage: agentgate-probe [--live | --report | --sample]\n');
  });

  it('--sample: the whole health report and the memory, in one process (the board reads an agent so)', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh' } });
    const env = sup.env;
    await expectSame(sup, /^0: healthy: agent running/);
    const out = answer(['/bin/sh', PROBE, '--sample'], env);
    expect(out).toMatch(/^0: \{.*\}\nmemory \d+ \d+\n$/);
    const report = JSON.parse(out.slice(3).split('\n')[0] as string);
    expect(report).toMatchObject({ status: 'ok', phase: 'running', restarts: 0, checks: { agent: { ok: true } } });
  });

  it('unhealthy while the agent waits out its backoff: exit 1 and the same reason', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-exit.sh', AGENTGATE_BACKOFF_INITIAL_MS: '3600000', AGENTGATE_BACKOFF_MAX_MS: '3600000', AGENTGATE_BACKOFF_JITTER: '0' } });
    await expectSame(sup, /^1: unhealthy: agent: /);
  });

  it('a start that failed and waits: exit 1 and the same start error', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh', AGENTGATE_ON_START_ERROR: 'wait', AGENTGATE_BACKOFF_FACTOR: 'lots' } });
    await expectSame(sup, /^1: unhealthy: .*AGENTGATE_BACKOFF_FACTOR/);
  });

  it('no supervisor: exit 1 and the same line, for /readyz and /livez', async () => {
    const env = { PATH: '/usr/bin:/bin', TMUX_TMPDIR: '/nonexistent', AGENTGATE_HEALTH_PORT: '1' };
    for (const live of [false, true]) {
      const r = both(env, live);
      expect(r.probe).toBe(r.health);
      expect(r.probe).toBe('1: unhealthy: supervisor not answering on 127.0.0.1:1 (ECONNREFUSED)\n');
    }
  });
});
