// The host command's figures (issue 18): each beside what a user would otherwise type, in the same run.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HARDENING, docker } from './container.mjs';
import { row } from './report.mjs';
import { repeat, summarize, until } from './stats.mjs';

const CLI = resolve(import.meta.dirname, '../../dist/agentgate.cjs');
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs) => summarize(xs).median;

function timed(cmd, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bench: ${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms(start);
}

// A workspace owned by 1000, the image's uid: `up` then needs no one-shot chown of the state volume.
function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'agentgate-bench-cli-'));
  chownSync(dir, 1000, 1000);
  return dir;
}

/** The supervisor's /readyz says ok; a container that ended fails the bench at once, with its last log line. */
const readyz = (name) => {
  const r = spawnSync('docker', ['exec', name, 'sh', '-c', 'curl -s "$(cat /tmp/agentgate/health-url)/readyz"'], { encoding: 'utf8' });
  try {
    return JSON.parse(r.stdout).status === 'ok';
  } catch {
    if (spawnSync('docker', ['inspect', '-f', '{{.State.Running}}', name], { encoding: 'utf8' }).stdout.trim() === 'false') {
      const log = spawnSync('docker', ['logs', '--tail', '1', name], { encoding: 'utf8' });
      throw new Error(`bench: ${name} ended before it was healthy: ${(log.stdout + log.stderr).trim()}`);
    }
    return false;
  }
};

/** `agentgate --version` against `node -e 0`; `up` until healthy against `docker run` of the same container until healthy. */
export async function measureCli(image, runs) {
  const version = await repeat(runs, () => timed('node', [CLI, '--version']));
  const node = await repeat(runs, () => timed('node', ['-e', '0']));
  // Alternated, so that the machine's drift during the run weighs on both alike.
  const up = [];
  const run = [];
  for (let i = 0; i < runs; i += 1) {
    const name = `bench-up-${process.pid}-${i}`;
    const ws = workspace();
    try {
      up.push(timed('node', [CLI, 'up', ws, '--name', name, '--image', image, '--network', 'none', '--agent', 'sleep infinity', '--memory', '4g']));
    } finally {
      spawnSync('docker', ['rm', '-f', `agentgate-${name}`], { stdio: 'ignore' });
      spawnSync('docker', ['volume', 'rm', '-f', `agentgate-${name}-state`], { stdio: 'ignore' });
    }
    const plain = `bench-run-${process.pid}-${i}`;
    const start = process.hrtime.bigint();
    try {
      docker(['run', '-d', '--name', plain, ...HARDENING, '-v', `${ws}:/workspace`, '-e', 'AGENTGATE_AGENT=sleep infinity', image]);
      await until(() => readyz(plain), `${plain} healthy`, 60_000, 20);
      run.push(ms(start));
    } finally {
      spawnSync('docker', ['rm', '-f', '-v', plain], { stdio: 'ignore' });
      rmSync(ws, { recursive: true, force: true });
    }
  }
  return { version, node, up, run };
}

/** Docker's health log of the container has a probe's report digest (what `ls` reads). */
function healthLogged(name) {
  const out = spawnSync('docker', ['inspect', '-f', '{{range .State.Health.Log}}{{.Output}}{{end}}', name], { encoding: 'utf8' }).stdout;
  return out.includes('\nreport {');
}

/** `agentgate ls` (and `ls --live`) with `count` agents running against `docker ps` with the same filter. */
export async function measureLs(image, count, runs) {
  const names = Array.from({ length: count }, (_, i) => `bench-ls-${process.pid}-${i}`);
  const dirs = [];
  try {
    for (const name of names) {
      dirs.push(workspace());
      docker(['run', '-d', '--name', name, ...HARDENING, '-v', `${dirs.at(-1)}:/workspace`, '-e', 'AGENTGATE_AGENT=sleep infinity', image]);
    }
    for (const name of names) await until(() => readyz(name), `${name} healthy`, 120_000, 50);
    // ls reads what the last health check printed: wait for each container's first one (10 s after its start).
    for (const name of names) await until(() => healthLogged(name), `${name}'s first health check`, 120_000, 200);
    const ls = await repeat(runs, () => timed('node', [CLI, 'ls', '--json']));
    const live = await repeat(runs, () => timed('node', [CLI, 'ls', '--json', '--live']));
    const ps = await repeat(runs, () => timed('docker', ['ps', '--filter', 'label=agentgate.role=agent']));
    return { ls, live, ps };
  } finally {
    spawnSync('docker', ['rm', '-f', '-v', ...names], { stdio: 'ignore' });
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

/** The host command's rows of the report: its start, `up` and `ls` with `count` agents. */
export async function cliRows(image, runs, count, progress) {
  progress(`the host command: --version and up (${runs} runs each)`);
  const cli = await measureCli(image, runs);
  progress(`the host command: ls with ${count} agents (${runs} runs)`);
  const listed = await measureLs(image, count, runs);
  return [
    row({ figure: '`agentgate --version` (the host command\'s own start)', ours: cli.version, unit: 'ms', baselineName: '`node -e 0`', baseline: cli.node }),
    row({ figure: '`agentgate up` on a built image until healthy', ours: cli.up, unit: 'ms', baselineName: '`docker run` of the same hardened container until healthy', baseline: cli.run,
      goal: '<= 1.3x', met: median(cli.up) <= 1.3 * median(cli.run) }),
    row({ figure: `\`agentgate ls\` with ${count} agents`, ours: listed.ls, unit: 'ms', baselineName: '`docker ps` with the same filter', baseline: listed.ps, goal: '< 1 s', met: median(listed.ls) < 1000 }),
    row({ figure: `\`agentgate ls --live\` with ${count} agents (one exec each)`, ours: listed.live, unit: 'ms', baselineName: '`docker ps` with the same filter', baseline: listed.ps }),
  ];
}
