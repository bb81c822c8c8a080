// Native figures: the real bundle as PID 1 of a fresh PID namespace under tini, as the image runs it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { childrenOf, cpuSeconds, findDescendant, listening, rssKiB } from './proc.mjs';
import { repeat, sleep, until } from './stats.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
export const BUNDLE = join(ROOT, 'dist/supervisor.cjs');
export const FIXTURES = join(ROOT, 'test/fixtures');
// The supervisor as docker/Dockerfile's ENTRYPOINT starts it (after tini), so the figures are the image's.
export const SUPERVISOR = [process.execPath, '--lite-mode', BUNDLE];
let nextPort = 27_400;

/** What the image's entry adds to node's environment (docker/agentgate.sh, supervisor/runtime/entry-tuning.ts). */
export const ENTRY_MALLOC = { MALLOC_MMAP_THRESHOLD_: '131072', AGENTGATE_ENTRY_MALLOC: '1' };

export function sandbox(extraEnv = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'agentgate-bench-'));
  for (const sub of ['home', 'tmux', 'workspace']) spawnSync('mkdir', ['-p', join(dir, sub)]);
  chmodSync(join(dir, 'tmux'), 0o700);
  // A port no one listens on: a supervisor left over by another run may hold one of ours.
  while (listening(nextPort)) nextPort += 1;
  const port = nextPort++;
  const env = {
    PATH: `${FIXTURES}:/usr/local/bin:/usr/bin:/bin`,
    HOME: join(dir, 'home'),
    TMUX_TMPDIR: join(dir, 'tmux'),
    AGENTGATE_WORKSPACE: join(dir, 'workspace'),
    AGENTGATE_HEALTH_PORT: String(port),
    AGENTGATE_LOG_LEVEL: 'warn',
    AGENTGATE_CREDENTIALS_FILE: join(dir, 'none'),
    AGENTGATE_SSH_DIR: join(dir, 'none'),
    AGENTGATE_STATE_DIR: join(dir, 'home', '.claude'),
    // As the image's entry starts node (docker/agentgate.sh): glibc's malloc thresholds fixed.
    ...ENTRY_MALLOC,
    ...extraEnv,
  };
  return { dir, port, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts `argv` as PID 1 of a new PID namespace; resolves the namespace's init pid as the host sees it. */
export function startInNamespace(argv, env) {
  const child = spawn('/usr/bin/unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', ...argv], { env, stdio: 'ignore' });
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  const init = () => until(() => childrenOf(child.pid)[0], 'namespace init', 5000, 1);
  return { child, exited, init };
}

export function readyStatus(port) {
  return new Promise((r) => {
    const req = get({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => {
      res.resume();
      r(res.statusCode);
    });
    req.on('error', () => r(0));
  });
}

function timeCommand(argv) {
  const t0 = performance.now();
  spawnSync(argv[0], argv.slice(1), { stdio: 'ignore' });
  return performance.now() - t0;
}

/** Figure 1: supervisor start until /readyz answers 200, against `node -e 0`. */
export async function measureReady(runs) {
  const baseline = await repeat(runs, () => timeCommand([process.execPath, '-e', '0']));
  const ours = await repeat(runs, async () => {
    const box = sandbox({ AGENTGATE_AGENT: 'agent-idle.sh' });
    const t0 = performance.now();
    const run = startInNamespace(['/usr/bin/tini', '--', ...SUPERVISOR], box.env);
    await until(async () => (await readyStatus(box.port)) === 200, 'ready', 15_000, 2);
    const ms = performance.now() - t0;
    process.kill(await run.init(), 'SIGTERM');
    await run.exited;
    box.cleanup();
    return ms;
  });
  return { ours, baseline };
}

/** Starts a PID 1 with the cooperative fixture agent and returns how long SIGTERM took to end it. */
async function stopOnce(argv, env, killAfterMs) {
  const run = startInNamespace(argv, env);
  const init = await run.init();
  await until(() => findDescendant(init, '/bin/sh ' + join(FIXTURES, 'agent-idle.sh')) ?? findDescendant(init, 'sh ' + join(FIXTURES, 'agent-idle.sh')), 'agent running', 10_000);
  await sleep(100); // let the agent install its trap
  const t0 = performance.now();
  process.kill(init, 'SIGTERM');
  // As `docker stop` does: SIGKILL when the grace runs out.
  const killer = setTimeout(() => process.kill(init, 'SIGKILL'), killAfterMs);
  await run.exited;
  clearTimeout(killer);
  return performance.now() - t0;
}

/** Figure 2: SIGTERM to exit with a cooperative agent; baselines plain tini and bare Node as PID 1. */
export async function measureStop(runs, dockerStopTimeoutMs) {
  const agent = join(FIXTURES, 'agent-idle.sh');
  const result = { ours: [], tini: [], bareNode: [] };
  for (let i = 0; i < runs; i += 1) {
    const box = sandbox({ AGENTGATE_AGENT: 'agent-idle.sh' });
    result.ours.push(await stopOnce(['/usr/bin/tini', '--', ...SUPERVISOR], box.env, dockerStopTimeoutMs));
    result.tini.push(await stopOnce(['/usr/bin/tini', '--', agent], box.env, dockerStopTimeoutMs));
    // Node as PID 1 without a handler: the kernel drops SIGTERM for PID 1, so only the kill ends it.
    const bare = `require('child_process').spawn('${agent}', { stdio: 'ignore' }); setInterval(() => {}, 1e9);`;
    result.bareNode.push(await stopOnce([process.execPath, '-e', bare], box.env, dockerStopTimeoutMs));
    box.cleanup();
  }
  return result;
}

/** Figure 3: agent exit until the next agent process runs, against the configured initial backoff. */
export async function measureRestart(runs, backoffMs) {
  const box = sandbox({
    AGENTGATE_AGENT: 'bench-agent-timestamps.sh',
    AGENTGATE_BACKOFF_INITIAL_MS: String(backoffMs),
    AGENTGATE_BACKOFF_FACTOR: '1',
    AGENTGATE_BACKOFF_JITTER: '0',
    AGENTGATE_CRASH_LOOP_RESTARTS: '1000',
  });
  const script = join(box.dir, 'bench-agent-timestamps.sh');
  writeFileSync(script, `#!/bin/sh\necho "start $(date +%s%N)" >> "$AGENTGATE_WORKSPACE/.times"\nsleep 0.2\necho "end $(date +%s%N)" >> "$AGENTGATE_WORKSPACE/.times"\nexit 1\n`);
  chmodSync(script, 0o755);
  box.env.PATH = `${box.dir}:${box.env.PATH}`;
  const run = startInNamespace(['/usr/bin/tini', '--', ...SUPERVISOR], box.env);
  const timesFile = join(box.env.AGENTGATE_WORKSPACE, '.times');
  const lines = await until(() => {
    try {
      const l = readFileSync(timesFile, 'utf8').trim().split('\n');
      return l.filter((x) => x.startsWith('start')).length > runs && l;
    } catch {
      return false;
    }
  }, 'restarts', 60_000, 20);
  process.kill(await run.init(), 'SIGTERM');
  await run.exited;
  box.cleanup();
  const ns = lines.map((l) => Number(l.split(' ')[1]));
  const latencies = [];
  for (let i = 1; i + 1 < lines.length && latencies.length < runs; i += 2) latencies.push((ns[i + 1] - ns[i]) / 1e6);
  return { ours: latencies, baseline: Array(latencies.length).fill(backoffMs) };
}

/** Figure 4: RSS and CPU share over `seconds` with an idle agent: the supervisor, tini and the tmux server. */
export async function measureIdle(seconds) {
  const box = sandbox({ AGENTGATE_AGENT: 'agent-idle.sh' });
  const run = startInNamespace(['/usr/bin/tini', '--', ...SUPERVISOR], box.env);
  await until(async () => (await readyStatus(box.port)) === 200, 'ready', 15_000);
  await sleep(2000); // past start-up work
  const tini = await run.init();
  const supervisor = findDescendant(tini, process.execPath);
  const tmux = findDescendant(tini, 'tmux -D');
  // Node's own floor: an idle process that only keeps a timer.
  const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' });
  await sleep(500);
  const pids = { supervisor, tini, tmux, bareNode: bare.pid };
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, cpuSeconds(p)]));
  const rssSamples = { supervisor: [], tini: [], tmux: [], bareNode: [] };
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    for (const [k, p] of Object.entries(pids)) rssSamples[k].push(rssKiB(p) / 1024);
    await sleep(1000);
  }
  const elapsedS = (performance.now() - t0) / 1000;
  const cpuPercent = Object.fromEntries(Object.entries(pids).map(([k, p]) => [k, ((cpuSeconds(p) - cpu0[k]) / elapsedS) * 100]));
  bare.kill('SIGKILL');
  process.kill(tini, 'SIGTERM');
  await run.exited;
  box.cleanup();
  return { rssSamples, cpuPercent, elapsedS };
}

/** Figure 5: one `health` probe against one curl / wget on the same endpoint: wall ms and peak RSS. */
export async function measureHealthProbe(runs) {
  const box = sandbox({ AGENTGATE_AGENT: 'agent-idle.sh' });
  const run = startInNamespace(['/usr/bin/tini', '--', ...SUPERVISOR], box.env);
  await until(async () => (await readyStatus(box.port)) === 200, 'ready', 15_000);
  const url = `http://127.0.0.1:${box.port}/readyz`;
  const probe = (argv) => {
    const t0 = performance.now();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', ...argv], { env: box.env, encoding: 'utf8' });
    const ms = performance.now() - t0;
    return { ms, peakMiB: Number(r.stderr.trim().split('\n').at(-1)) / 1024, status: r.status };
  };
  const collect = (argv) => Array.from({ length: runs }, () => probe(argv));
  const health = collect([process.execPath, BUNDLE, 'health']);
  // The probes' command (docker/agentgate-probe.sh, sh and curl): it reads the health-url file in TMUX_TMPDIR.
  const probeCommand = collect(['/bin/sh', join(ROOT, 'docker/agentgate-probe.sh')]);
  const curl = collect(['curl', '-fsS', '-m', '2', '-o', '/dev/null', url]);
  const wget = collect(['wget', '-q', '-O', '/dev/null', url]);
  process.kill(await run.init(), 'SIGTERM');
  await run.exited;
  box.cleanup();
  if ([...health, ...probeCommand, ...curl].some((c) => c.status !== 0)) throw new Error('bench: a health probe failed');
  return { health, probe: probeCommand, curl, wget };
}

/**
 * Figure 6: one Claude Code hook event as the image delivers it (`agentgate-hook`, a curl POST to the
 * supervisor), against one plain `curl` GET of /livez: what each hook adds to Claude's turn.
 */
export async function measureHookEvent(runs) {
  const box = sandbox({ AGENTGATE_AGENT: 'claude', ANTHROPIC_API_KEY: 'sk-ant-bench', PATH: `${join(FIXTURES, 'fake-claude')}:${FIXTURES}:/usr/local/bin:/usr/bin:/bin` });
  const run = startInNamespace(['/usr/bin/tini', '--', ...SUPERVISOR], box.env);
  await until(async () => (await readyStatus(box.port)) === 200, 'ready', 15_000);
  // The hook's URL and token are the agent's: read them from its environment, as its hooks get them.
  const init = await run.init();
  const agent = await until(() => findDescendant(init, `/bin/sh ${join(FIXTURES, 'fake-claude', 'claude')}`), 'the agent', 10_000);
  const environ = Object.fromEntries(readFileSync(`/proc/${agent}/environ`, 'utf8').split('\0').filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const env = { PATH: box.env.PATH, AGENTGATE_HOOK_URL: environ.AGENTGATE_HOOK_URL, AGENTGATE_HOOK_TOKEN: environ.AGENTGATE_HOOK_TOKEN };
  const hook = join(ROOT, 'docker/agentgate-hook.sh');
  const timed = (argv, input) => {
    const t0 = performance.now();
    const r = spawnSync(argv[0], argv.slice(1), { env, input, stdio: ['pipe', 'ignore', 'ignore'] });
    return { ms: performance.now() - t0, status: r.status };
  };
  const hookRuns = Array.from({ length: runs }, (_, i) => timed(['sh', hook, i % 2 ? 'Stop' : 'UserPromptSubmit'], '{"session_id":"bench"}'));
  const curlRuns = Array.from({ length: runs }, () => timed(['curl', '-fsS', '-m', '2', '-o', '/dev/null', `${new URL(env.AGENTGATE_HOOK_URL).origin}/livez`], ''));
  // Ask the supervisor the hooks went to (its own URL), which is the one that must have seen them.
  const base = new URL(env.AGENTGATE_HOOK_URL);
  const state = await new Promise((r) => {
    get({ host: base.hostname, port: base.port, path: '/readyz', agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => r(JSON.parse(body).agentState?.state));
    });
  });
  process.kill(await run.init(), 'SIGTERM');
  await run.exited;
  box.cleanup();
  if (state !== 'waiting' && state !== 'working') throw new Error(`bench: the hook events did not reach the supervisor (state ${state})`);
  return { hook: hookRuns.map((h) => h.ms), curl: curlRuns.map((c) => c.ms) };
}

/**
 * Figure 7: the egress proxy (`agentgate proxy`): its RSS, and one request through it against the same request
 * straight to the target (a plain HTTP server on loopback, allowed by address).
 */
export async function measureProxy(runs) {
  const { createServer } = await import('node:http');
  const target = createServer((_req, res) => res.end('ok\n'));
  const targetPort = nextPort++;
  await new Promise((r) => target.listen(targetPort, '127.0.0.1', r));
  const proxyPort = nextPort++;
  const healthPort = nextPort++;
  const proxy = spawn(SUPERVISOR[0], [...SUPERVISOR.slice(1), 'proxy'], {
    env: { PATH: process.env.PATH, AGENTGATE_PROXY_HOST: '127.0.0.1', AGENTGATE_PROXY_PORT: String(proxyPort), AGENTGATE_HEALTH_PORT: String(healthPort),
      AGENTGATE_EGRESS_ALLOW: `127.0.0.1:${targetPort}`, AGENTGATE_EGRESS_ALLOW_FILE: '/nonexistent', AGENTGATE_LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  await until(async () => (await readyStatus(healthPort)) === 200, 'proxy ready', 15_000);
  // curl runs asynchronously: the target lives in this process and must keep answering.
  const timed = (args) => new Promise((resolve) => {
    const t0 = performance.now();
    const c = spawn('curl', ['-s', '-o', '/dev/null', '-m', '5', ...args]);
    c.on('close', (code) => resolve({ ms: performance.now() - t0, code }));
  });
  const url = `http://127.0.0.1:${targetPort}/`;
  const through = [];
  const direct = [];
  for (let i = 0; i < runs; i += 1) {
    through.push((await timed(['-x', `http://127.0.0.1:${proxyPort}`, url])).ms);
    direct.push((await timed([url])).ms);
  }
  await sleep(500);
  const rssMiB = rssKiB(proxy.pid) / 1024;
  proxy.kill('SIGTERM');
  target.close();
  return { through, direct, rssMiB };
}
