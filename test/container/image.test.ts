import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HARDENING, NODE_IMAGE, TEST_IMAGE, composeEnv, docker, dockerAsync, inspect, waitForHealth } from '../helpers/docker.js';
import { claudeCodeVersion } from '../helpers/claude-code-version.js';
import { ROOT, TestContainers, exec, readyz, requireEngine } from '../helpers/containers.js';
import { FIXTURES } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
const name = (label: string) => made.name(label);
const workspace = (uid?: number) => made.workspace(uid);
const runAgent = (label: string, agent: string, extra?: string[]) => made.runAgent(label, agent, extra);

afterAll(() => made.cleanup());

describe.skipIf(!reachable)('the image', () => {
  it('builds on the given base with claude, uid 1000 agentgate and /workspace', () => {
    const size = Number(inspect(TEST_IMAGE, '{{.Size}}'));
    console.info(`image ${TEST_IMAGE} on ${NODE_IMAGE}: ${(size / 1024 / 1024).toFixed(0)} MiB`);
    const r = docker(['run', '--rm', '--network', 'none', TEST_IMAGE, 'sh', '-c', 'claude --version; id -un; id -u; id -g; test -d /workspace && pwd; command -v sudo || echo no-sudo']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split('\n')).toEqual(expect.arrayContaining([expect.stringMatching(/^\d+\.\d+\.\d+ \(Claude Code\)$/), 'agentgate', '1000', '/workspace', 'no-sudo']));
    const labels = JSON.parse(inspect(TEST_IMAGE, '{{json .Config.Labels}}'));
    expect(labels).toMatchObject({ 'org.opencontainers.image.title': 'agentgate/agent', 'agentgate.claude-code.version': claudeCodeVersion() });
    for (const key of ['version', 'revision', 'source', 'created']) expect(labels[`org.opencontainers.image.${key}`]).toBeTruthy();
    expect(inspect(TEST_IMAGE, '{{json .Config.Entrypoint}}')).toBe('["/usr/bin/setpriv","--no-new-privs","--","/usr/bin/tini","--","/usr/local/bin/agentgate"]');
    // The shim execs node with an inspector address no interface has, and --lite-mode where Node has it.
    expect(docker(['run', '--rm', '--network', 'none', '--entrypoint', 'cat', TEST_IMAGE, '/usr/local/bin/agentgate']).stdout).toMatch(
      /^exec node --inspect-port=192\.0\.2\.1:9229 --lite-mode \/opt\/agentgate\/start\.cjs "\$@"$/m,
    );
  });

  it('loads the supervisor with the compile cache made at build time, read-only, as uid 1000; another uid starts without it', () => {
    // The entry's way without the startup snapshot (an empty blob is passed over): the bundle, through start.cjs.
    const load = (user: string) => docker(['run', '--rm', '--network', 'none', '--read-only', '--user', user, '-v', '/dev/null:/opt/agentgate/supervisor.blob:ro', '-e', 'NODE_DEBUG_NATIVE=COMPILE_CACHE', '--entrypoint', 'agentgate', TEST_IMAGE, 'version']);
    const ours = load('1000:1000');
    expect(ours.status, ours.stderr).toBe(0);
    expect(ours.stderr).toMatch(/V8 code cache for CommonJS \/opt\/agentgate\/supervisor\.cjs was accepted/);
    const other = load('1234:1234');
    expect([other.status, other.stdout], other.stderr).toEqual([0, ours.stdout]);
    expect(other.stderr).not.toMatch(/was accepted/);
    const owner = docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', TEST_IMAGE, '-c', 'find /opt/agentgate/compile-cache ! -user 0 -o -perm /022 | wc -l']);
    expect(owner.stdout.trim()).toBe('0');
  });

  it('starts from the startup snapshot made at build time, and from the bundle when the entry passes the blob over', () => {
    const ws = workspace();
    const start = (extra: string[], entry: string[] = [TEST_IMAGE, 'sh', '-c', 'exit 3']) => {
      const r = docker(['run', '--rm', '-v', `${ws}:/workspace`, '-e', 'AGENTGATE_LOG_LEVEL=debug', '-e', 'AGENTGATE_LOG_FORMAT=json', ...extra, ...entry]);
      const lines = r.stderr.split('\n').filter((l) => l.includes('"startup snapshot"'));
      return { status: r.status, snapshot: lines.map((l) => JSON.parse(l).snapshot), stderr: r.stderr };
    };
    const blob = docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', TEST_IMAGE, '-c', 'stat -c "%U %a" /opt/agentgate/supervisor.blob']);
    expect(blob.stdout.trim(), blob.stderr).toBe('root 644');
    const cases: Array<[string[], string[] | undefined, string]> = [
      [HARDENING, undefined, 'used'],
      [[...HARDENING, '-v', '/dev/null:/opt/agentgate/supervisor.blob:ro'], undefined, 'no blob'],
      [[...HARDENING, '-e', 'NODE_OPTIONS=--no-warnings'], undefined, 'passed over: NODE_OPTIONS or NODE_DEBUG is set'],
      [[...HARDENING, '-e', 'NODE_DEBUG=execa'], undefined, 'passed over: NODE_OPTIONS or NODE_DEBUG is set'],
      // Another node than the one that built the blob (here the same one, made newer) would refuse it: passed over.
      [['--network', 'none', '--user', '0', '--entrypoint', 'sh'], [TEST_IMAGE, '-c', 'touch "$(command -v node)" && exec agentgate sh -c "exit 3"'], 'passed over: older than node'],
    ];
    for (const [extra, entry, expected] of cases) {
      const r = start(extra, entry);
      expect({ status: r.status, snapshot: r.snapshot }, r.stderr).toEqual({ status: 3, snapshot: [expected] });
    }
  });

  it('runs hardened: healthy, no capabilities, no new privileges, read-only root, writable workspace owned by 1000', async () => {
    const { container, ws } = runAgent('hardened', 'agent-idle.sh');
    await waitForHealth(container, 'healthy', 30_000);
    const status = exec(container, ['sh', '-c', 'grep -E "^(CapEff|NoNewPrivs)" /proc/1/status']).stdout;
    expect(status).toMatch(/CapEff:\s+0000000000000000/);
    expect(status).toMatch(/NoNewPrivs:\s+1/);
    const rootWrite = exec(container, ['sh', '-c', 'touch /should-fail']);
    expect(rootWrite.status).not.toBe(0);
    expect(rootWrite.stderr).toMatch(/Read-only file system/);
    expect(exec(container, ['sh', '-c', 'echo hi > /workspace/from-container']).status).toBe(0);
    expect(readFileSync(join(ws, 'from-container'), 'utf8')).toBe('hi\n');
    expect(statSync(join(ws, 'from-container')).uid).toBe(1000);
  });

  it('sets no-new-privileges itself where the runtime cannot (Swarm), and has no setuid or setgid program', async () => {
    const withoutOption = HARDENING.filter((flag) => flag !== 'no-new-privileges' && flag !== '--security-opt');
    const { container } = made.runAgent('nnp', 'agent-idle.sh', [], withoutOption);
    await waitForHealth(container, 'healthy', 30_000);
    expect(inspect(container, '{{json .HostConfig.SecurityOpt}}')).toBe('null');
    // PID 1 (tini) and the agent, started through tmux, both carry the flag.
    const agentPid = readyz(container).agentPid as number;
    const flags = exec(container, ['sh', '-c', `grep NoNewPrivs /proc/1/status /proc/${agentPid}/status | cut -d: -f2-`]).stdout;
    expect(flags.trim().split('\n')).toEqual(['NoNewPrivs:\t1', 'NoNewPrivs:\t1']);
    // As root, so that find sees every directory.
    const r = docker(['run', '--rm', '--network', 'none', '--user', '0', '--entrypoint', 'sh', TEST_IMAGE, '-c', 'find / -xdev -type f -perm /6000']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('lets docker exec reach the tmux session "agent" and see the agent', async () => {
    const { container } = runAgent('tmux', 'agent-idle.sh');
    await waitFor(() => exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout.includes('agent-idle pid'), 'agent output via docker exec tmux', 20_000);
    expect(exec(container, ['tmux', 'list-sessions', '-F', '#{session_name}']).stdout.trim()).toBe('agent');
    // The agentgate command is on PATH for status, health and version.
    expect(exec(container, ['agentgate', 'version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const status = exec(container, ['agentgate', 'status']);
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/^agentgate .*: healthy \(agent mode, running, up [\d.]+ (milli)?seconds?\)/);
  });

  it("starts node with glibc's malloc thresholds fixed, and keeps that setting from the agent", async () => {
    const { container } = runAgent('malloc', 'agent-idle.sh');
    await waitFor(() => exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout.includes('agent-idle pid'), 'the agent running', 20_000);
    // PID 1 is setpriv -> tini; the supervisor is node, the agent the pane's shell script.
    const environ = (program: string) =>
      exec(container, ['sh', '-c', `for p in $(pgrep -f '${program}'); do tr '\\0' '\\n' < /proc/$p/environ; echo; done`]).stdout;
    expect(environ('^node ')).toContain('MALLOC_MMAP_THRESHOLD_=131072');
    const agent = environ('agent-idle.sh');
    expect(agent).toContain('AGENTGATE_WORKSPACE=');
    expect(agent).not.toContain('MALLOC_MMAP_THRESHOLD_');
    expect(agent).not.toContain('AGENTGATE_ENTRY_MALLOC');
  });

  it('docker stop ends it within the grace, the agent got SIGTERM, and it exits 0', async () => {
    const { container, ws } = runAgent('stop', 'agent-idle.sh');
    await waitFor(() => readFileSync(join(ws, '.agent-starts'), 'utf8').length > 0, 'agent started', 20_000);
    const t0 = Date.now();
    expect(docker(['stop', '-t', '10', container]).status).toBe(0);
    const stopMs = Date.now() - t0;
    console.info(`docker stop took ${stopMs} ms`);
    expect(stopMs).toBeLessThan(10_000);
    expect(inspect(container, '{{.State.ExitCode}}')).toBe('0');
    expect(readFileSync(join(ws, '.agent-got-term'), 'utf8')).toMatch(/^term \d+/);
  });

  it('restarts an agent that exits and health counts it; a crash loop turns the container unhealthy', async () => {
    const restarting = runAgent('restart', 'agent-exit.sh 1 0.5', ['-e', 'AGENTGATE_CRASH_LOOP_RESTARTS=100']);
    await waitFor(() => readyz(restarting.container).restarts >= 2, 'two restarts counted', 30_000);
    expect(readyz(restarting.container).lastExit).toMatchObject({ code: 1 });

    const looping = runAgent('crashloop', 'agent-exit.sh 1', ['-e', 'AGENTGATE_CRASH_LOOP_RESTARTS=3', '-e', 'AGENTGATE_BACKOFF_MAX_MS=400']);
    await waitForHealth(looping.container, 'unhealthy', 30_000);
    expect(readyz(looping.container).checks.crashLoop.ok).toBe(false);
  });

  it('command mode passes the exit code through, and docker kill -s reaches the command', async () => {
    const r = docker(['run', '--rm', '--network', 'none', TEST_IMAGE, 'sh', '-c', 'exit 3']);
    expect(r.status).toBe(3);
    const container = name('kill');
    const ws = workspace();
    expect(docker(['run', '-d', '--name', container, ...HARDENING, '-v', `${ws}:/workspace`, '-v', `${FIXTURES}:/fixtures:ro`, TEST_IMAGE, '/fixtures/command-signal.sh']).status).toBe(0);
    await waitFor(() => exec(container, ['pgrep', '-f', 'sleep 4300']).status === 0, 'command running', 20_000);
    expect(docker(['kill', '-s', 'USR1', container]).status).toBe(0);
    await waitFor(() => inspect(container, '{{.State.Status}}') === 'exited', 'command ended', 20_000);
    expect(inspect(container, '{{.State.ExitCode}}')).toBe('138');
  });

  it('leaves no zombie behind orphans of docker exec or of the agent', async () => {
    const { container } = runAgent('zombies', 'agent-orphans.sh');
    await waitFor(() => exec(container, ['pgrep', '-f', 'sleep 4202']).status === 0, 'agent orphans', 20_000);
    expect(exec(container, ['sh', '-c', 'sleep 1 & exit']).status).toBe(0);
    await new Promise((r) => setTimeout(r, 2000)); // the orphaned `sleep 1` has to end before it could be a zombie
    const states = exec(container, ['ps', '-eo', 'stat=,args=']).stdout.trim().split('\n');
    expect(states.filter((line) => line.trim().startsWith('Z'))).toEqual([]);
  });

  it('refuses a workspace owned by another uid with the fix', () => {
    const container = name('foreign');
    const ws = workspace(4242);
    const r = docker(['run', '--name', container, ...HARDENING, '-v', `${ws}:/workspace`, TEST_IMAGE]);
    expect(r.status).toBe(69);
    const failed = r.stdout.split('\n').filter((l) => l.includes('"start failed"')).map((l) => JSON.parse(l));
    expect(failed).toMatchObject([{ error: expect.stringContaining('it belongs to uid 4242 but the agent runs as uid 1000'), hint: expect.stringContaining('run as the owner with --user 4242:4242') }]);
  });
});

describe.skipIf(!reachable)('docker compose', () => {
  const env = composeEnv(`agentgate-test-${process.pid}`);
  afterAll(() => docker(['compose', 'down', '-v', '--remove-orphans'], 120_000, env));

  it('`docker compose up -d agent` from the repository root becomes healthy, and `down` is clean', async () => {
    const project = workspace();
    mkdirSync(join(project, 'src'));
    const credentials = join(project, '..', `agentgate-credentials-${process.pid}.json`);
    writeFileSync(credentials, '{"claudeAiOauth":{"accessToken":"sk-ant-oat-TEST-SECRET-VALUE"}}', { mode: 0o644 });
    made.track(credentials);
    // The default agent: Claude Code itself, waiting at its login screen.
    const upEnv = { ...env, AGENTGATE_PROJECT_DIR: project, CLAUDE_CREDENTIALS_FILE: credentials };
    const up = await dockerAsync(['compose', 'up', '-d', 'agent'], { cwd: ROOT, env: upEnv, timeoutMs: 600_000 });
    expect(up.status, up.stderr).toBe(0);
    const container = docker(['compose', 'ps', '-q', 'agent'], 30_000, env).stdout.trim();
    expect(container).not.toBe('');
    await waitForHealth(container, 'healthy', 60_000);
    expect(inspect(container, '{{.HostConfig.ReadonlyRootfs}}')).toBe('true');
    expect(inspect(container, '{{json .HostConfig.CapDrop}}')).toBe('["ALL"]');
    // The secret arrived read-only and was copied into the state volume for the agent to refresh in place.
    const copy = docker(['exec', container, 'stat', '-c', '%a %u', '/home/agentgate/.claude/.credentials.json']);
    expect(copy.stdout.trim()).toBe('600 1000');
    expect(docker(['logs', container]).stdout).not.toContain('TEST-SECRET-VALUE');
    const down = docker(['compose', 'down'], 120_000, env);
    expect(down.status, down.stderr).toBe(0);
    expect(docker(['ps', '-a', '-q', '--filter', `label=com.docker.compose.project=${env.COMPOSE_PROJECT_NAME}`], 30_000, env).stdout.trim()).toBe('');
    expect(docker(['inspect', container]).status).not.toBe(0); // removed, not just stopped
  });
});
