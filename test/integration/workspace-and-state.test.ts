import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const fast = { AGENTGATE_BACKOFF_INITIAL_MS: '50', AGENTGATE_BACKOFF_MAX_MS: '50', AGENTGATE_BACKOFF_JITTER: '0', AGENTGATE_CRASH_LOOP_RESTARTS: '1000' };
let sup: SupervisorProcess;
// Each undo is awaited in turn: a supervisor's cleanup ends its process tree before the next undo (an unmount) runs.
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const undo of cleanups.splice(0).reverse()) await undo();
  await sup?.cleanup();
});

describe('workspace trouble while running', () => {
  it('keeps running when the workspace turns unreadable, reports it, and restarts the agent once it is usable', async () => {
    sup = await SupervisorProcess.start({ uid: 1000, env: { ...fast, AGENTGATE_AGENT: 'agent-orphans.sh' } });
    await sup.waitForLog('agent started');
    chmodSync(sup.workspace, 0o000);
    const agent = await waitFor(async () => (await sup.processes()).find((p) => p.cmdline.includes('agent-orphans.sh')), 'agent', 30_000);
    process.kill(agent.pid, 'SIGKILL');
    const waiting = await sup.waitForLog('workspace unusable');
    expect(String(waiting.reason)).toMatch(/is not usable by uid 1000 \(EACCES\)/);
    const health = await waitFor(async () => {
      const h = await sup.health();
      return h.body.phase === 'waiting' ? h : undefined;
    }, 'health says waiting');
    expect(health.status).toBe(503);
    expect(health.body.checks.workspace).toMatchObject({ ok: false, reason: expect.stringContaining('EACCES') });
    expect(sup.logsOf('stopped')).toHaveLength(0);
    chmodSync(sup.workspace, 0o755);
    await sup.waitForLog('workspace usable again', undefined, 5000);
    await sup.waitForLog('agent started', (l) => Number(l.restarts) >= 1);
    await waitFor(async () => (await sup.health()).status === 200, 'healthy again');
  });

  it('says that a full workspace is full, not writable', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh' }, args: ['true'] });
    await sup.exited;
    const small = join(sup.root, 'small');
    mkdirSync(small);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]);
    cleanups.push(() => spawnSync('umount', ['-l', small]));
    const s = await SupervisorProcess.start({ workspace: small, env: { AGENTGATE_AGENT: 'agent-idle.sh' } });
    cleanups.push(() => s.cleanup());
    await waitFor(async () => (await s.health()).status === 200, 'healthy');
    spawnSync('dd', ['if=/dev/zero', `of=${join(small, 'fill')}`, 'bs=4k'], { stdio: 'ignore' });
    const full = await waitFor(async () => {
      const h = await s.health();
      return h.status === 503 ? h : undefined;
    }, 'unhealthy when full');
    expect(full.body.checks.workspace).toEqual({ ok: false, reason: `${small} is full: no space left on its file system` });
  });
});

describe('another uid', () => {
  it('starts with a warning that says what to do when the host ~/.ssh is a 0700 directory of another uid', async () => {
    sup = await SupervisorProcess.start({ args: ['true'] });
    await sup.exited;
    const hostSsh = join(sup.root, 'host-ssh');
    mkdirSync(hostSsh, { mode: 0o700 });
    writeFileSync(join(hostSsh, 'id_ed25519'), 'PRIVATE KEY', { mode: 0o600 });
    chownSync(hostSsh, 501, 20);
    chownSync(join(hostSsh, 'id_ed25519'), 501, 20);
    const s = await SupervisorProcess.start({ uid: 1000, env: { AGENTGATE_AGENT: 'agent-idle.sh', AGENTGATE_SSH_DIR: hostSsh } });
    cleanups.push(() => s.cleanup());
    await s.waitForLog('agent started');
    const warning = s.logsOf('ssh keys not installed').find((l) => l.from === hostSsh);
    expect(warning).toMatchObject({ level: 'warn', code: 'EACCES', uid: 1000, ownerUid: 501, reason: 'the directory is not readable by uid 1000' });
    expect(warning?.hint).toMatch(/^run as its owner \(AGENTGATE_UID=501\)/);
    expect(s.output).not.toMatch(/scandir|at .*supervisor\.cjs/); // no stack trace
  });

  it('refuses to start the agent when its state dir is not writable, naming the directory and the fix', async () => {
    sup = await SupervisorProcess.start({ args: ['true'] });
    await sup.exited;
    const state = join(sup.root, 'state');
    mkdirSync(state, { mode: 0o700 });
    chownSync(state, 1000, 1000);
    const s = await SupervisorProcess.start({ uid: 501, env: { AGENTGATE_AGENT: 'agent-idle.sh', AGENTGATE_STATE_DIR: state } });
    cleanups.push(() => s.cleanup());
    expect((await s.exited).code).toBe(69);
    const error = s.logs.find((l) => l.level === 'error');
    expect(error).toMatchObject({ msg: 'start failed', error: `state dir ${state} (AGENTGATE_STATE_DIR) is not writable by uid 501 (EACCES): it belongs to uid 1000, the agent runs as uid 501` });
    expect(error?.hint).toMatch(/chown it to 501, or run as uid 1000$/);
  });
});
