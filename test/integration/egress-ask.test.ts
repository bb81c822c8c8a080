import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLogLines } from '../helpers/log-lines.js';
import { askingProxyEnv, startProxy as startProxy_ } from '../helpers/proxy-process.js';
import { BUNDLE } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';
import type { PendingEgressAsk } from '../../supervisor/contract/proxy-report.js';

/** A public address (TEST-NET-3) that exists only on the loopback of this test's own network namespace. */
const TARGET = '203.0.113.7';
const TOKEN = 'egress-ask-answer-token-0123456789';
const WAIT_MS = 8000;
const HEALTH = 'http://127.0.0.1:8099';

type Pending = PendingEgressAsk;

/**
 * AGENTGATE_EGRESS_ASK=on with the real bundle. The proxy, the target and every client run inside a network
 * namespace this test makes (only a loopback, with TEST-NET-3's 203.0.113.7 on it, which the proxy classes as
 * public): no packet leaves the machine. Making the namespace needs root.
 */
describe.skipIf(process.getuid?.() !== 0)('agentgate proxy: ask instead of deny', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentgate-ask-'));
  const allowFile = join(dir, 'egress-allow');
  let holder: ChildProcess;
  let target: ChildProcess;
  let proxy: ChildProcess;
  let output = '';

  const inNs = (argv: string[]) => ['nsenter', '-t', String(holder.pid), '-n', ...argv];
  /** Runs a command in the namespace; its stdout. */
  const run = (argv: string[]): Promise<string> =>
    new Promise((resolve) => {
      const [cmd, ...args] = inNs(argv) as [string, ...string[]];
      const child = spawn(cmd, args, { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.on('close', () => resolve(stdout));
    });
  /** A request through the proxy as the agent `agent`; the body and the status, as `body\nSTATUS`. */
  const viaProxy = (url: string, agent = 'agent-a') =>
    run(['curl', '-sS', '-m', '30', '-o', '-', '-w', '\n%{http_code}', '-x', `http://${agent}@127.0.0.1:3128`, url]);
  const pending = async (): Promise<Pending[]> => (JSON.parse(await run(['curl', '-sS', `${HEALTH}/egress/decisions`])) as { decisions: Pending[] }).decisions;
  const waitForAsk = (match: (p: Pending) => boolean, what: string) =>
    waitFor(async () => (await pending()).find(match), what, 10_000, () => output);
  const answer = async (id: string, body: object, token = TOKEN): Promise<{ status: number; body: Record<string, unknown> }> => {
    const out = await run(['curl', '-sS', '-o', '-', '-w', '\n%{http_code}', '-H', `authorization: Bearer ${token}`, '-d', JSON.stringify(body), `${HEALTH}/egress/decisions/${id}`]);
    const at = out.lastIndexOf('\n');
    return { status: Number(out.slice(at + 1)), body: JSON.parse(out.slice(0, at)) };
  };
  const events = (msg: string) => parseLogLines(output.split('\n')).filter((e) => e.msg === msg);
  const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

  const startProxy = async (allowFilePath = allowFile) => {
    const env = askingProxyEnv({ allow: `${TARGET}:9090`, allowFile: allowFilePath, waitMs: WAIT_MS, answerToken: TOKEN });
    proxy = await startProxy_(env, { ready: 'proxy listening', onOutput: (d) => (output += d), netnsOf: holder.pid as number });
  };
  const stopProxy = async () => {
    const exited = new Promise((r) => proxy.once('exit', r));
    proxy.kill('SIGKILL');
    await exited;
  };

  beforeAll(async () => {
    writeFileSync(allowFile, '# the file part of the list\n');
    holder = spawn('unshare', ['--net', 'sh', '-c', `ip link set lo up && ip addr add ${TARGET}/32 dev lo && echo ready && exec sleep 100000`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let said = '';
    holder.stdout?.on('data', (d) => (said += d));
    await waitFor(() => said.includes('ready'), 'the network namespace');
    const serve = `for (const port of [8080, 8081, 8082, 9090]) require('node:http').createServer((req, res) => res.end('reached ' + port + ' ' + req.url + '\\n')).listen(port, '${TARGET}', () => console.log('listening ' + port));`;
    const [cmd, ...args] = inNs([process.execPath, '-e', serve]) as [string, ...string[]];
    target = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let targetSaid = '';
    target.stdout?.on('data', (d) => (targetSaid += d));
    await waitFor(() => targetSaid.includes('listening 9090'), 'the target');
    await startProxy();
  });
  afterAll(() => {
    proxy?.kill('SIGKILL');
    target?.kill('SIGKILL');
    holder?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('holds an unlisted request until answered once; the next one is asked again; the wrong token cannot answer', async () => {
    const first = viaProxy(`http://${TARGET}:8080/first?token=secret`);
    const ask = await waitForAsk((p) => p.path === '/first', 'the first request held');
    expect(ask).toMatchObject({ host: TARGET, port: 8080, method: 'GET', path: '/first', agent: 'agent-a' });
    expect((await answer(ask.id, { answer: 'once' }, 'not-the-answer-token-0123456789')).status).toBe(403);
    expect((await answer(ask.id, { answer: 'once' }, '')).status).toBe(403);
    expect((await pending()).map((p) => p.id)).toContain(ask.id);
    const answered = await answer(ask.id, { answer: 'once', by: 'test' });
    expect(answered).toMatchObject({ status: 200, body: { id: ask.id, outcome: 'once', by: 'test' } });
    expect(await first).toBe('reached 8080 /first?token=secret\n\n200');
    expect((await answer(ask.id, { answer: 'deny' })).status).toBe(409);

    const second = viaProxy(`http://${TARGET}:8080/second`);
    const again = await waitForAsk((p) => p.path === '/second', 'the second request asked again');
    expect((await answer(again.id, { answer: 'deny', by: 'test' })).status).toBe(200);
    expect(await second).toMatch(/203\.0\.113\.7:8080 is denied: not on the allowlist, and asked: denied by test\n\n403$/);
    expect(events('egress pending')).toEqual(expect.arrayContaining([expect.objectContaining({ id: ask.id, host: TARGET, port: 8080, agent: 'agent-a' })]));
    expect(events('egress closed')).toEqual(expect.arrayContaining([expect.objectContaining({ id: ask.id, outcome: 'once', by: 'test' })]));
    expect(output).not.toContain('token=secret');
  });

  it('"allow for this agent" lets that agent through again, and asks another agent', async () => {
    const first = viaProxy(`http://${TARGET}:8080/mine`, 'agent-b');
    const ask = await waitForAsk((p) => p.path === '/mine', 'agent-b asked');
    expect((await answer(ask.id, { answer: 'agent' })).status).toBe(200);
    expect(await first).toMatch(/200$/);
    expect(await viaProxy(`http://${TARGET}:8080/again`, 'agent-b')).toBe('reached 8080 /again\n\n200');
    const other = viaProxy(`http://${TARGET}:8080/other`, 'agent-c');
    const otherAsk = await waitForAsk((p) => p.path === '/other', 'agent-c asked');
    expect(otherAsk.agent).toBe('agent-c');
    await answer(otherAsk.id, { answer: 'deny' });
    expect(await other).toMatch(/403$/);
  });

  it('`agentgate approve|deny` in the proxy\'s container answers egress asks', async () => {
    const cli = (...args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const [cmd, ...rest] = inNs([process.execPath, BUNDLE, ...args]) as [string, ...string[]];
        const env = { PATH: process.env.PATH, TMUX_TMPDIR: dir, AGENTGATE_HEALTH_HOST: '127.0.0.1', AGENTGATE_HEALTH_PORT: '8099', AGENTGATE_ANSWER_TOKEN: TOKEN };
        const child = spawn(cmd, rest, { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (code) => resolve({ code, out }));
      });
    expect(await cli('deny')).toMatchObject({ code: 1, out: expect.stringContaining('no egress ask waits') });
    const first = viaProxy(`http://${TARGET}:8080/by-cli`, 'agent-d');
    const ask = await waitForAsk((p) => p.path === '/by-cli', 'the request held');
    expect(await cli('approve', ask.id, '--for-agent')).toEqual({ code: 0, out: `allowed (agent) ${ask.id} (${TARGET}:8080)\n` });
    expect(await first).toMatch(/200$/);
    expect(events('egress closed')).toEqual(expect.arrayContaining([expect.objectContaining({ id: ask.id, outcome: 'agent', by: 'container cli' })]));
    const second = viaProxy(`http://${TARGET}:8080/by-cli-2`, 'agent-e');
    const waiting = await waitForAsk((p) => p.path === '/by-cli-2', 'the second request held');
    expect((await cli('status')).out).toContain(`${waiting.id}  GET ${TARGET}:8080/by-cli-2 (agent agent-e)`);
    expect(await cli('deny')).toMatchObject({ code: 0, out: expect.stringMatching(/^denied [0-9a-f]+ /) });
    expect(await second).toMatch(/denied by container cli\n\n403$/);
  });

  it('"always" appends the host to the allow file, which holds after a restart', async () => {
    const first = viaProxy(`http://${TARGET}:8081/always`);
    const ask = await waitForAsk((p) => p.port === 8081, 'the request to 8081 held');
    expect((await answer(ask.id, { answer: 'always' })).status).toBe(200);
    expect(await first).toMatch(/200$/);
    expect(readFileSync(allowFile, 'utf8')).toMatch(/\n203\.0\.113\.7:8081\n/);
    await stopProxy();
    await startProxy();
    // CONNECT too: the tunnel is judged by the same list.
    expect(await run(['curl', '-sS', '-m', '5', '-o', '-', '-w', '\n%{http_code}', '-p', '-x', 'http://127.0.0.1:3128', `http://${TARGET}:8081/later`])).toBe('reached 8081 /later\n\n200');
    expect(await pending()).toEqual([]);
  });

  it('refuses "always" when the allow file cannot be written, and the request still waits for another answer', async () => {
    await stopProxy();
    await startProxy(join(dir, 'no-such-dir', 'egress-allow'));
    try {
      const held = viaProxy(`http://${TARGET}:8082/unwritable`);
      const ask = await waitForAsk((p) => p.path === '/unwritable', 'the request held');
      const refused = await answer(ask.id, { answer: 'always' });
      expect(refused.status).toBe(500);
      expect(refused.body.error).toMatch(/cannot write the allow file .*no-such-dir\/egress-allow \(ENOENT\): answer once or agent/);
      expect((await answer(ask.id, { answer: 'once' })).status).toBe(200);
      expect(await held).toMatch(/200$/);
    } finally {
      await stopProxy();
      await startProxy();
    }
  });

  it('holds a CONNECT tunnel too, without a path, and lets it through when answered', async () => {
    const tunnel = run(['curl', '-sS', '-m', '30', '-o', '-', '-w', '\n%{http_code}', '-p', '-x', 'http://agent-f@127.0.0.1:3128', `http://${TARGET}:8080/tunnelled`]);
    const ask = await waitForAsk((p) => p.agent === 'agent-f', 'the CONNECT held');
    expect(ask).toMatchObject({ method: 'CONNECT', port: 8080, path: null });
    expect((await answer(ask.id, { answer: 'once' })).status).toBe(200);
    expect(await tunnel).toBe('reached 8080 /tunnelled\n\n200');
  });

  it('denies an unanswered request once AGENTGATE_EGRESS_ASK_WAIT_MS has passed', async () => {
    const startedMs = Date.now();
    const result = await viaProxy(`http://${TARGET}:8082/nobody`);
    const tookMs = Date.now() - startedMs;
    expect(result).toMatch(/not on the allowlist, and asked: not answered within 8 s\n\n403$/);
    expect(tookMs).toBeGreaterThanOrEqual(WAIT_MS - 100);
    expect(tookMs).toBeLessThan(WAIT_MS + 4000);
    expect(events('egress closed')).toEqual(expect.arrayContaining([expect.objectContaining({ port: 8082, outcome: 'expired', by: 'expiry' })]));
  });

  it('never asks about a private or loopback destination', async () => {
    for (const url of ['http://127.0.0.1:8080/', 'http://10.1.2.3/', 'http://localhost:8080/', 'http://169.254.169.254/latest/meta-data/']) {
      const startedMs = Date.now();
      expect(await viaProxy(url)).toMatch(/is never asked about\n\n403$/);
      expect(Date.now() - startedMs).toBeLessThan(WAIT_MS / 2);
    }
    expect(events('egress pending').filter((e) => e.host !== TARGET)).toEqual([]);
  });

  it('holds 200 requests at once with bounded memory, while allowed traffic flows', async () => {
    expect(await pending()).toEqual([]);
    const idleKiB = rssKiB(proxy.pid as number);
    // One process in the namespace opens 200 connections, each a request to an unlisted port, and keeps them open.
    const clients = `const net = require('node:net'); for (let i = 0; i < 200; i++) { const s = net.connect(3128, '127.0.0.1', () => s.write('GET http://${TARGET}:8080/held-' + i + ' HTTP/1.1\\r\\nhost: ${TARGET}:8080\\r\\n\\r\\n')); s.on('error', () => {}); } setInterval(() => {}, 1000);`;
    const [cmd, ...args] = inNs([process.execPath, '-e', clients]) as [string, ...string[]];
    const many = spawn(cmd, args, { stdio: 'ignore' });
    try {
      await waitFor(async () => (await pending()).length === 200, '200 requests held', 20_000, () => output);
      const heldKiB = rssKiB(proxy.pid as number);
      expect(await viaProxy(`http://${TARGET}:9090/meanwhile`)).toBe('reached 9090 /meanwhile\n\n200');
      console.log(`proxy RSS: ${Math.round(idleKiB / 1024)} MiB idle, ${Math.round(heldKiB / 1024)} MiB with 200 held requests`);
      expect(heldKiB - idleKiB).toBeLessThan(24 * 1024);
    } finally {
      many.kill('SIGKILL');
    }
    // The clients went away: their asks close as `gone`, none is left waiting.
    await waitFor(async () => (await pending()).length === 0, 'the held requests closed when their clients went away', 10_000, () => output);
    expect(events('egress closed').filter((e) => e.outcome === 'gone').length).toBe(200);
  });
});
