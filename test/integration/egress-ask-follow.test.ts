import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askingProxyEnv, startProxy as startProxy_ } from '../helpers/proxy-process.js';
import { BUNDLE, SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';
import type { PendingEgressAsk } from '../../supervisor/contract/proxy-report.js';

/** A public address (TEST-NET-3) that exists only on the loopback of this test's own network namespace. */
const TARGET = '203.0.113.7';
const TOKEN = 'egress-follow-answer-token-0123456789';
const PROXY_HEALTH = 'http://127.0.0.1:8099';

/**
 * The agent's supervisor follows its egress asks on the proxy's ask feed (AGENTGATE_EGRESS_ASK_FEED_URL): the
 * real bundle as proxy and as supervisor, in a network namespace of the test's own (as egress-ask.test.ts). The
 * agent's requests come from 127.0.0.1, the supervisor's own address; another agent's from 127.0.0.2.
 */
describe.skipIf(process.getuid?.() !== 0)('the agent supervisor shows its egress asks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentgate-follow-'));
  let holder: ChildProcess;
  let target: ChildProcess;
  let hook: ChildProcess;
  let proxy: ChildProcess;
  let sup: SupervisorProcess;
  let events: ChildProcess;
  let proxyOutput = '';
  let hookOutput = '';
  let eventsOutput = '';

  const inNs = (argv: string[]) => ['nsenter', '-t', String(holder.pid), '-n', ...argv];
  const spawnInNs = (argv: string[]) => {
    const [cmd, ...args] = inNs(argv) as [string, ...string[]];
    return spawn(cmd, args, { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
  };
  const run = (argv: string[]): Promise<string> =>
    new Promise((resolve) => {
      const child = spawnInNs(argv);
      let stdout = '';
      child.stdout?.on('data', (d) => (stdout += d));
      child.on('close', () => resolve(stdout));
    });
  /** A request through the proxy from `from` (the agent's address, or another agent's); `body\nSTATUS`. */
  const viaProxy = (url: string, from = '127.0.0.1') =>
    run(['curl', '-sS', '-m', '30', '--interface', from, '-o', '-', '-w', '\n%{http_code}', '-x', 'http://127.0.0.1:3128', url]);
  const allAsks = async (): Promise<PendingEgressAsk[]> => (JSON.parse(await run(['curl', '-sS', `${PROXY_HEALTH}/egress/decisions`])) as { decisions: PendingEgressAsk[] }).decisions;
  const answer = (id: string, body: object) =>
    run(['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '-H', `authorization: Bearer ${TOKEN}`, '-d', JSON.stringify(body), `${PROXY_HEALTH}/egress/decisions/${id}`]);
  const readyz = async () => JSON.parse(await run(['curl', '-sS', `http://127.0.0.1:${sup.healthPort}/readyz`])) as { pendingEgressAsks?: PendingEgressAsk[] };
  const status = () => run(['env', `AGENTGATE_HEALTH_PORT=${sup.healthPort}`, process.execPath, BUNDLE, 'status']);

  const startProxy = async () => {
    const env = askingProxyEnv({ allow: `${TARGET}:9090`, allowFile: join(dir, 'egress-allow'), waitMs: 20_000, answerToken: TOKEN });
    proxy = await startProxy_({ ...env, AGENTGATE_EGRESS_ASK_FEED_PORT: '3131' }, { ready: 'ask feed listening', onOutput: (d) => (proxyOutput += d), netnsOf: holder.pid as number });
  };

  beforeAll(async () => {
    writeFileSync(join(dir, 'egress-allow'), '');
    holder = spawn('unshare', ['--net', 'sh', '-c', `ip link set lo up && ip addr add ${TARGET}/32 dev lo && echo ready && exec sleep 100000`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let said = '';
    holder.stdout?.on('data', (d) => (said += d));
    await waitFor(() => said.includes('ready'), 'the network namespace');
    target = spawnInNs([process.execPath, '-e', `require('node:http').createServer((req, res) => res.end('reached ' + req.url + '\\n')).listen(8080, '${TARGET}', () => console.log('listening'));`]);
    let targetSaid = '';
    target.stdout?.on('data', (d) => (targetSaid += d));
    await waitFor(() => targetSaid.includes('listening'), 'the target');
    // The webhook's receiver: each body on one line.
    hook = spawnInNs([process.execPath, '-e', `require('node:http').createServer((req, res) => { let b = ''; req.on('data', (d) => (b += d)); req.on('end', () => { console.log(b); res.end(); }); }).listen(8098, '127.0.0.1', () => console.log('{"listening":true}'));`]);
    hook.stdout?.on('data', (d) => (hookOutput += d));
    await waitFor(() => hookOutput.includes('listening'), 'the webhook receiver');
    await startProxy();
    sup = await SupervisorProcess.start({
      netnsOf: holder.pid as number,
      env: { AGENTGATE_AGENT: 'agent-idle.sh', AGENTGATE_EGRESS_ASK_FEED_URL: 'http://127.0.0.1:3131', AGENTGATE_NOTIFY_URL: 'http://127.0.0.1:8098/hook' },
    });
    await sup.waitForLog('agent started');
    events = spawnInNs(['curl', '-sS', '-N', `http://127.0.0.1:${sup.healthPort}/events`]);
    events.stdout?.on('data', (d) => (eventsOutput += d));
    await waitFor(() => eventsOutput.includes('event: state'), 'the /events stream');
  });
  afterAll(async () => {
    events?.kill('SIGKILL');
    await sup?.cleanup();
    for (const child of [proxy, hook, target, holder]) child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows the agent's own ask in /readyz, status, /events and the webhook, and not another agent's; an answer clears it", async () => {
    const other = viaProxy(`http://${TARGET}:8080/theirs`, '127.0.0.2');
    const theirs = await waitFor(async () => (await allAsks()).find((a) => a.path === '/theirs'), "the other agent's ask");
    expect(theirs.client).toBe('127.0.0.2');
    const mine = viaProxy(`http://${TARGET}:8080/mine`);
    const ask = await waitFor(async () => (await readyz()).pendingEgressAsks?.find((a) => a.path === '/mine'), 'the ask in /readyz', 10_000, () => sup.output);
    expect(ask).toMatchObject({ host: TARGET, port: 8080, method: 'GET', client: '127.0.0.1' });
    expect((await readyz()).pendingEgressAsks?.map((a) => a.id)).toEqual([ask.id]);
    expect(await status()).toContain(`egress ask ${ask.id}: GET ${TARGET}:8080/mine`);
    expect(await status()).not.toContain(theirs.id);
    await waitFor(() => eventsOutput.includes('event: egress ask pending'), 'the /events event');
    expect(eventsOutput).toContain(`"id":"${ask.id}"`);
    expect(eventsOutput).not.toContain(theirs.id);
    const notified = await waitFor(() => hookOutput.split('\n').find((l) => l.includes('"egress ask pending"')), 'the webhook', 10_000, () => sup.output);
    expect(JSON.parse(notified)).toMatchObject({ event: 'egress ask pending', id: ask.id, host: TARGET, port: 8080 });
    expect(JSON.parse(notified).links).toBeUndefined();

    // The feed itself: each caller gets its own asks only, and it answers nothing.
    const feedOf = async (from: string) => JSON.parse(await run(['curl', '-sS', '--interface', from, 'http://127.0.0.1:3131/asks'])) as { pending: PendingEgressAsk[] };
    expect((await feedOf('127.0.0.2')).pending.map((a) => a.id)).toEqual([theirs.id]);
    expect((await feedOf('127.0.0.1')).pending.map((a) => a.id)).toEqual([ask.id]);
    expect(await run(['curl', '-sS', '-o', '/dev/null', '-w', '%{http_code}', '-d', '{"answer":"once"}', `http://127.0.0.1:3131/asks`])).toBe('405');
    expect(await answer(ask.id, { answer: 'once', by: 'test' })).toBe('200');
    expect(await mine).toBe('reached /mine\n\n200');
    await waitFor(async () => (await readyz()).pendingEgressAsks?.length === 0, 'the ask cleared in /readyz');
    await waitFor(() => eventsOutput.includes('event: egress ask closed'), 'the closed event');
    expect(eventsOutput).toMatch(new RegExp(`"id":"${ask.id}"[^\\n]*"outcome":"once","by":"test"`));
    expect(await status()).not.toContain('egress ask');
    expect(await answer(theirs.id, { answer: 'deny' })).toBe('200');
    expect(await other).toMatch(/403$/);
    expect(sup.logsOf('egress ask pending').map((l) => l.id)).toEqual([ask.id]);
  });

  it('follows the proxy again after it restarts', async () => {
    const exited = new Promise((r) => proxy.once('exit', r));
    proxy.kill('SIGKILL');
    await exited;
    await sup.waitForLog('ask feed unreachable');
    await startProxy();
    await sup.waitForLog('ask feed following', undefined, 15_000);
    const held = viaProxy(`http://${TARGET}:8080/after-restart`);
    const ask = await waitFor(async () => (await readyz()).pendingEgressAsks?.find((a) => a.path === '/after-restart'), 'the ask after the restart', 15_000, () => sup.output);
    expect(await answer(ask.id, { answer: 'deny' })).toBe('200');
    expect(await held).toMatch(/403$/);
    await waitFor(async () => (await readyz()).pendingEgressAsks?.length === 0, 'the ask cleared');
  });

  it('stops following at once on shutdown', async () => {
    const startedMs = Date.now();
    await sup.signal('SIGTERM');
    expect((await sup.exited).code).toBe(0);
    expect(Date.now() - startedMs).toBeLessThan(10_000);
  });
});
