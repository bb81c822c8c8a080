import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, SupervisorProcess, agentHookEnv } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue 17 #4: the agent holds the hook token; a hostile one must not grow the supervisor without end.
const claudePreset = { PATH: `${join(FIXTURES, 'fake-claude')}:${FIXTURES}:/usr/local/bin:/usr/bin:/bin`, ANTHROPIC_API_KEY: 'sk-ant-bounds' };
const MiB = 1024 * 1024;
let sup: SupervisorProcess;
const sockets: Socket[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const c of children.splice(0)) c.kill('SIGKILL');
  await sup?.cleanup();
});


/** The supervisor's node process (under tini), as the host sees it. */
async function supervisorPid(s: SupervisorProcess): Promise<number> {
  return waitFor(async () => (await s.processes()).find((p) => p.cmdline.includes('supervisor.cjs') && !p.cmdline.includes('tini'))?.pid, 'the supervisor process');
}

/** Peak resident memory of a process so far (VmHWM), in bytes. */
function peakRssBytes(pid: number): number {
  const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kib) * 1024;
}

/** Opens an /events stream and never reads it: its socket is paused from the first byte. */
async function stalledStream(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.pause();
  socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  return socket;
}

/**
 * `count` /events clients that never read, with a small receive buffer (SO_RCVBUF, which Node cannot set):
 * the kernel then holds little for them, and what they do not read piles up in the supervisor, where the
 * bound is. They report, one line each, when each of their streams has ended.
 */
async function stalledClients(port: number, count: number): Promise<{ drain: () => void; ended: () => number }> {
  const script = `
import socket, sys, select
socks = []
for i in range(${count}):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", ${port}))
    s.sendall(b"GET /events HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\n\\r\\n")
    socks.append(s)
print("ready", flush=True)
# Never read, until the test asks (a line on stdin): then drain each stream to its end and say so.
sys.stdin.readline()
for s in socks:
    s.settimeout(10)
    while s.recv(65536):
        pass
    print("ended", flush=True)
`;
  const child = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (out += d));
  await waitFor(() => out.includes('ready'), 'the stalled clients', 10_000);
  return { drain: () => void child.stdin?.write('drain\n'), ended: () => out.split('\n').filter((l) => l === 'ended').length };
}

/** Polls /readyz every 50 ms until stopped: each answer must come within 5 s (the machine may be busy with other work). */
function watchReadiness(port: number): { stop: () => Promise<{ answers: number; failures: string[] }> } {
  let running = true;
  const failures: string[] = [];
  let answers = 0;
  const loop = (async () => {
    while (running) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5000) });
        await res.json();
        answers += 1;
      } catch (error) {
        failures.push(String(error));
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { answers, failures };
    },
  };
}

function logBytes(s: SupervisorProcess): number {
  return s.raw.reduce((sum, line) => sum + line.length + 1, 0);
}

describe('the hook endpoint and /events are bounded', () => {
  it('20 never-read /events streams and 5000 hooks with an 8 KiB type: memory under 150 MiB, /readyz answers, the log stays small', async () => {
    sup = await SupervisorProcess.start({ env: claudePreset });
    await sup.waitForLog('agent started');
    const hook = await agentHookEnv(sup);
    const pid = await supervisorPid(sup);
    for (let i = 0; i < 20; i++) await stalledStream(sup.healthPort);
    const readiness = watchReadiness(sup.healthPort);
    const type = 'x'.repeat(8 * 1024);
    const statuses = new Map<number, number>();
    for (let i = 0; i < 5000; i++) {
      const event = i % 2 === 0 ? 'UserPromptSubmit' : 'Stop';
      const res = await fetch(`${hook.url}?event=${event}&type=${type}`, { method: 'POST', headers: { 'x-agentgate-token': hook.token }, body: '{}' });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    const { answers, failures } = await readiness.stop();
    expect(failures).toEqual([]);
    expect(answers).toBeGreaterThan(10);
    expect(peakRssBytes(pid)).toBeLessThan(150 * MiB);
    expect(logBytes(sup)).toBeLessThan(1 * MiB);
    // The type is refused: it never reaches a state, a log line or an event.
    expect(Object.fromEntries(statuses)).toEqual({ 400: 5000 });
    expect(sup.output).not.toContain('x'.repeat(100));
  });

  it('cuts off /events clients that stop reading, counting each in the log, while a reading client keeps its stream', async () => {
    sup = await SupervisorProcess.start({ env: claudePreset });
    await sup.waitForLog('agent started');
    const hook = await agentHookEnv(sup);
    const pid = await supervisorPid(sup);
    const stalled = await stalledClients(sup.healthPort, 20);
    const reader = await fetch(`http://127.0.0.1:${sup.healthPort}/events`);
    let readBytes = 0;
    const reading = (async () => {
      for await (const chunk of reader.body as unknown as AsyncIterable<Uint8Array>) readBytes += chunk.length;
    })().catch(() => {});
    const readiness = watchReadiness(sup.healthPort);
    // Valid hooks, each a state change, until every stalled client has been let go (at most 40000). The kernel
    // takes a few MiB for each before the supervisor holds anything (loopback's large segments): ~18000 hooks.
    const cutOff = () => sup.raw.filter((line) => line.includes('"events client cut off"')).length;
    let posted = 0;
    const post = async () => {
      const event = posted++ % 2 === 0 ? 'UserPromptSubmit' : 'Stop';
      const res = await fetch(`${hook.url}?event=${event}&type=a_notification_type_of_forty_characters`, { method: 'POST', headers: { 'x-agentgate-token': hook.token }, body: '{}' });
      await res.arrayBuffer();
      return res.status;
    };
    while (posted < 40_000 && cutOff() < 20) {
      // A batch at a time, eight at once: looking through the log after every post would cost more than the posts.
      for (let i = 0; i < 50; i++) expect(new Set(await Promise.all(Array.from({ length: 8 }, post)))).toEqual(new Set([204]));
    }
    const { failures } = await readiness.stop();
    expect(failures).toEqual([]);
    expect(cutOff()).toBe(20);
    const last = sup.logsOf('events client cut off').at(-1);
    expect(last).toMatchObject({ level: 'warn', cutOff: 20 });
    expect(last?.unsentBytes).toBeGreaterThan(256 * 1024);
    expect(peakRssBytes(pid)).toBeLessThan(150 * MiB);
    // The reader was never cut off: it has read about as much as the hooks made (~150 bytes per state event).
    await waitFor(() => readBytes > posted * 100, 'the reading client to keep up', 10_000, () => `read ${readBytes} bytes for ${posted} hooks`);
    expect(sup.logsOf('events client cut off')).toHaveLength(20);
    // Each stalled client, reading at last, finds its stream ended by the supervisor.
    stalled.drain();
    await waitFor(() => stalled.ended() === 20, 'the stalled clients to see their streams end', 15_000);
    void reading;
  }, 180_000);
});
