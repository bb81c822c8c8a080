// The host command's figures (issue 18): each beside what a user would otherwise type, in the same run.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HARDENING, docker } from './container.mjs';
import { repeat, until } from './stats.mjs';

const CLI = resolve(import.meta.dirname, '../../dist/agentgate.cjs');
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

function timed(cmd, args) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`bench: ${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms(start);
}

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'agentgate-bench-cli-'));
  chownSync(dir, 1000, 1000);
  return dir;
}

const readyz = (name) => {
  const r = spawnSync('docker', ['exec', name, 'sh', '-c', 'curl -s "$(cat /tmp/agentgate/health-url)/readyz"'], { encoding: 'utf8' });
  try {
    return JSON.parse(r.stdout).status === 'ok';
  } catch {
    return false;
  }
};

/** `agentgate --version` against `node -e 0`; `up` until healthy against `docker run` of the same container until healthy. */
export async function measureCli(image, runs) {
  const version = await repeat(runs, () => timed('node', [CLI, '--version']));
  const node = await repeat(runs, () => timed('node', ['-e', '0']));
  const up = await repeat(runs, (i) => {
    const name = `bench-up-${process.pid}-${i}`;
    try {
      return timed('node', [CLI, 'up', workspace(), '--name', name, '--image', image, '--network', 'none', '--agent', 'sleep infinity', '--memory', '4g']);
    } finally {
      spawnSync('docker', ['rm', '-f', `agentgate-${name}`], { stdio: 'ignore' });
      spawnSync('docker', ['volume', 'rm', '-f', `agentgate-${name}-state`], { stdio: 'ignore' });
    }
  });
  const run = await repeat(runs, async (i) => {
    const name = `bench-run-${process.pid}-${i}`;
    const start = process.hrtime.bigint();
    docker(['run', '-d', '--name', name, ...HARDENING, '-v', `${workspace()}:/workspace`, '-e', 'AGENTGATE_AGENT=sleep infinity', image]);
    await until(() => readyz(name), `${name} healthy`, 60_000, 20);
    const elapsed = ms(start);
    spawnSync('docker', ['rm', '-f', '-v', name], { stdio: 'ignore' });
    return elapsed;
  });
  return { version, node, up, run };
}

/** `agentgate ls` with `count` agents running against `docker ps` with the same filter. */
export async function measureLs(image, count, runs) {
  const names = Array.from({ length: count }, (_, i) => `bench-ls-${process.pid}-${i}`);
  for (const name of names) docker(['run', '-d', '--name', name, ...HARDENING, '-e', 'AGENTGATE_AGENT=sleep infinity', image]);
  try {
    for (const name of names) await until(() => readyz(name), `${name} healthy`, 120_000, 50);
    const ls = await repeat(runs, () => timed('node', [CLI, 'ls', '--json']));
    const ps = await repeat(runs, () => timed('docker', ['ps', '--filter', 'label=agentgate.role=agent']));
    return { ls, ps };
  } finally {
    spawnSync('docker', ['rm', '-f', '-v', ...names], { stdio: 'ignore' });
  }
}
