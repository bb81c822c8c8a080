import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fromSnapshotArgs, snapshotBuild } from '../helpers/snapshot-blob.js';
import { BUNDLE, SupervisorProcess } from '../helpers/supervisor-process.js';

// The image starts the supervisor from a V8 startup snapshot of the bundle (docker/build-snapshot.sh); tests run the
// bundle. These check that the blob, built here by the image's own scripts with this node, behaves as the bundle does.
let sup: SupervisorProcess | undefined;
afterEach(async () => {
  await sup?.cleanup();
  sup = undefined;
});

const run = (nodeArgs: string[], args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [...nodeArgs, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, timeout: 20_000 });
  // Log lines carry the time: compare them without it.
  const untimed = (text: string) => text.replace(/"time":"[^"]*"/g, '"time":"-"');
  return { status: r.status, stdout: untimed(r.stdout), stderr: untimed(r.stderr) };
};

describe('the startup snapshot', () => {
  it('builds with the image\'s scripts, loading at import only the builtins audited for a snapshot', () => {
    const build = snapshotBuild();
    expect([build.status, build.stderr.replace(/\(node:\d+\) Warning: .*\n|It may still work.*\n|To request support.*\n|\(Use `node --trace-warnings.*\n/g, '')]).toEqual([0, '']);
    const warned = [...build.stderr.matchAll(/built-in module "(?:node:)?([^"]+)"/g)].map((m) => m[1]);
    expect(warned.filter((name) => !['child_process', 'tty', 'worker_threads', 'module'].includes(name as string))).toEqual([]);
  });

  it('the bundle has no import(): code run from a snapshot cannot load with it', () => {
    expect(readFileSync(BUNDLE, 'utf8').match(/.{40}[^\w$.]import\(.{20}/g)).toBeNull();
  });

  it.each([
    [['version']],
    [['--version']],
    [['help']],
    [['--no-such-option']],
    [['attach', '--bogus']],
    [['health']],
    [['status', '--json']],
    [['--', 'sh', '-c', 'echo from-the-command; exit 3']],
    [[]],
  ])('answers %j as the bundle does: output and exit code', (args) => {
    const { flags } = snapshotBuild();
    const dir = mkdtempSync(join(tmpdir(), 'agentgate-snapshot-run-'));
    try {
      // No workspace and a private tmux dir: each run ends quickly, the same way for both.
      const env = { AGENTGATE_WORKSPACE: join(dir, 'ws'), TMUX_TMPDIR: dir, HOME: dir, AGENTGATE_HEALTH_PORT: '1' };
      const fromBundle = run([...flags, BUNDLE], args, env);
      expect(run(fromSnapshotArgs(), args, env)).toEqual(fromBundle);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('supervises from the blob, ready as from the bundle, and says at debug which way it started', async () => {
    sup = await SupervisorProcess.start({ fromSnapshot: true, env: { AGENTGATE_AGENT: 'sleep infinity', AGENTGATE_LOG_LEVEL: 'debug' } });
    expect(await sup.waitForLog('startup snapshot')).toMatchObject({ level: 'debug', snapshot: 'used' });
    await sup.waitForLog('agent started');
    expect((await sup.health()).status).toBe(200);
    await sup.cleanup();
    sup = await SupervisorProcess.start({ fromSnapshot: false, env: { AGENTGATE_AGENT: 'sleep infinity', AGENTGATE_LOG_LEVEL: 'debug' } });
    expect(await sup.waitForLog('startup snapshot')).toMatchObject({ level: 'debug', snapshot: 'no blob' });
  });

  it('reads the environment and the time when the blob starts, not when it was built', async () => {
    sup = await SupervisorProcess.start({ fromSnapshot: true, env: { AGENTGATE_AGENT: 'sleep infinity', AGENTGATE_LOG_LEVEL: 'debug', AGENTGATE_SESSION: 'from-env' } });
    const started = Date.now();
    const loaded = await sup.waitForLog('config loaded');
    expect(loaded.session).toBe('from-env');
    expect(Math.abs(Date.parse(loaded.time) - started)).toBeLessThan(10_000);
    expect((await sup.waitForLog('agent started')).session).toBe('from-env');
  });

  it('a bundle started beside a blob says why the entrypoint passed the blob over', () => {
    const { dir } = snapshotBuild();
    const beside = join(dir, 'supervisor.cjs');
    const env = { AGENTGATE_WORKSPACE: join(dir, 'no-ws'), AGENTGATE_LOG_LEVEL: 'debug', HOME: dir, TMUX_TMPDIR: dir };
    expect(run([beside], [], env).stdout).toMatch(/"snapshot":"passed over: older than node".*"msg":"startup snapshot"/);
    expect(run([beside], [], { ...env, NODE_OPTIONS: '--no-warnings' }).stdout).toMatch(/"snapshot":"passed over: NODE_OPTIONS or NODE_DEBUG is set".*"msg":"startup snapshot"/);
    expect(run([beside], [], { ...env, NODE_DEBUG: 'execa' }).stdout).toMatch(/"snapshot":"passed over: NODE_OPTIONS or NODE_DEBUG is set".*"msg":"startup snapshot"/);
  });
});
