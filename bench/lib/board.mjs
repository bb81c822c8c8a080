// The board's figures (issue 20): how soon a state change reaches the page, beside the supervisor's own /events
// read the same way in the same run; and what the board costs with 20 agents on the engine.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { HARDENING, docker } from './container.mjs';
import { cpuSeconds, rssKiB } from './proc.mjs';
import { sleep, until } from './stats.mjs';

const CLI = resolve(import.meta.dirname, '../../dist/agentgate.cjs');

/** Reads a server-sent event stream; calls onEvent(name, data, arrivalMs) for each event. */
async function follow(url, headers, onEvent, signal) {
  const res = await fetch(url, { headers, signal });
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) !== -1) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const name = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (name && data) onEvent(name, JSON.parse(data), performance.now());
    }
  }
}

const readyz = (name) => spawnSync('docker', ['exec', name, 'sh', '-c', 'curl -s "$(cat /tmp/agentgate/health-url)/readyz"'], { encoding: 'utf8' }).stdout.includes('"status":"ok"');

// The agent posts the hook named by each line written to /tmp/hooks (as Claude's hooks post from the agent's
// own environment, which holds the hook token a `docker exec` lacks).
const HOOK_AGENT = 'mkfifo /tmp/hooks; while :; do while read -r hook; do echo "{}" | agentgate-hook "$hook"; done < /tmp/hooks; done\n';

export async function measureBoard(image, count, runs, idleS) {
  const names = Array.from({ length: count }, (_, i) => `bench-board-${process.pid}-${i}`);
  const ws = mkdtempSync(join(tmpdir(), 'agentgate-bench-board-'));
  writeFileSync(join(ws, 'hooks.sh'), HOOK_AGENT);
  chownSync(ws, 1000, 1000);
  for (const name of names) docker(['run', '-d', '--name', name, ...HARDENING, '-v', `${ws}:/workspace`, '-e', 'AGENTGATE_AGENT=sh /workspace/hooks.sh', '-e', 'AGENTGATE_IDLE_MS=600000', image]);
  const board = spawn(process.execPath, [CLI, 'board', '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const abort = new AbortController();
  try {
    for (const name of names) await until(() => readyz(name), `${name} healthy`, 180_000, 50);
    let out = '';
    board.stdout.on('data', (d) => (out += d));
    const url = new URL(await until(() => /^(http\S+)\n/.exec(out)?.[1], 'the board URL', 30_000, 20));
    const auth = { authorization: `Bearer ${url.searchParams.get('token')}` };
    const target = names[0];
    // The page's stream: the time the target's state first shows each new value.
    const seen = { board: [], events: new Map() };
    let lastState = null;
    void follow(`${url.origin}/api/stream`, auth, (name, data, at) => {
      if (name !== 'fleet') return;
      const agent = data.agents.find((a) => a.container === target);
      if (agent && agent.state !== lastState) {
        lastState = agent.state;
        seen.board.push(at);
      }
    }, abort.signal).catch(() => undefined);
    // The baseline: the supervisor's own /events, read from the host the way the board reads it (docker exec curl).
    const events = spawn('docker', ['exec', target, 'sh', '-c', 'exec curl -sN "$(cat /tmp/agentgate/health-url)/events"'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let eventsText = '';
    let states = 0;
    events.stdout.on('data', (d) => {
      eventsText += d;
      const count = (eventsText.match(/^event: state$/gm) ?? []).length;
      if (count > states) {
        states = count;
        seen.events.set(states, performance.now());
      }
    });
    await until(() => states >= 1 && seen.board.length >= 1, 'both streams to start', 30_000, 20);
    const ours = [];
    const baseline = [];
    for (let i = 0; i < runs * 2; i += 1) {
      const hook = i % 2 === 0 ? 'UserPromptSubmit' : 'Stop';
      const beforeBoard = seen.board.length;
      const beforeEvents = states;
      const start = performance.now();
      spawnSync('docker', ['exec', target, 'sh', '-c', `echo ${hook} > /tmp/hooks`]);
      await until(() => seen.board.length > beforeBoard && states > beforeEvents, `the ${hook} state on both streams`, 30_000, 2);
      // Both arrival times are measured from the same start (the hook's docker exec included in both).
      ours.push(seen.board.at(-1) - start);
      baseline.push(seen.events.get(states) - start);
    }
    events.kill();
    // Memory and idle CPU with `count` agents and one page open.
    await sleep(2000);
    const rss = [];
    const cpu0 = cpuSeconds(board.pid);
    const t0 = performance.now();
    for (let s = 0; s < idleS; s += 1) {
      rss.push(rssKiB(board.pid) / 1024);
      await sleep(1000);
    }
    const cpuPercent = ((cpuSeconds(board.pid) - cpu0) / ((performance.now() - t0) / 1000)) * 100;
    const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    await sleep(1000);
    const bareMiB = rssKiB(bare.pid) / 1024;
    bare.kill();
    return { ours, baseline, rss, cpuPercent, bareMiB };
  } finally {
    abort.abort();
    board.kill('SIGINT');
    spawnSync('docker', ['rm', '-f', '-v', ...names], { stdio: 'ignore' });
  }
}
