import { createHmac } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import { join } from 'node:path';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, SupervisorProcess, freePort } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const claudePreset = { PATH: `${join(FIXTURES, 'fake-claude')}:${FIXTURES}:/usr/local/bin:/usr/bin:/bin` };
/** The session id the fixture claude reports for FAKE_SESSION=42: of Claude's own form, a UUID. */
const SESSION_42 = '00000000-0000-4000-8000-000000000042';
let sup: SupervisorProcess;
const servers: Server[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) s.close();
  await sup?.cleanup();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Reads /events as a client would, collecting `event:`/`data:` pairs. */
async function watchEvents(s: SupervisorProcess): Promise<{ events: Array<{ name: string; data: any }>; stop: () => void }> {
  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${s.healthPort}/events`, { signal: controller.signal });
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  const events: Array<{ name: string; data: any }> = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (name && data) events.push({ name, data: JSON.parse(data) });
        }
      }
    } catch {
      // aborted
    }
  })();
  return { events, stop: () => controller.abort() };
}

describe('agent state from Claude Code hooks', () => {
  it('follows a turn and a permission prompt in health, the log and /events, and posts signed webhooks', async () => {
    const received: Array<{ body: string; signature: string }> = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['x-agentgate-signature']) });
        res.writeHead(204).end();
      });
    });
    servers.push(receiver);
    const port = await freePort();
    await new Promise<void>((r) => receiver.listen(port, '127.0.0.1', () => r()));
    sup = await SupervisorProcess.start({
      env: { ...claudePreset, ANTHROPIC_API_KEY: 'sk-ant-hook-secret', AGENTGATE_NOTIFY_URL: `http://127.0.0.1:${port}/agentgate`, AGENTGATE_NOTIFY_SECRET: 'whsec-test' },
      files: { '.claude-script': 'SessionStart\nUserPromptSubmit\nPreToolUse\nStop\nNotification permission_prompt\n' },
    });
    await sup.waitForLog('agent started');
    const stream = await watchEvents(sup);
    const letGoAtMs = Date.now();
    writeFileSync(join(sup.workspace, '.go'), '');
    await waitFor(() => stream.events.some((e) => e.name === 'state' && e.data.state === 'permission'), 'permission on /events');
    stream.stop();
    const states = stream.events.filter((e) => e.name === 'state').map((e) => e.data.state);
    expect(states).toEqual(['starting', 'waiting', 'working', 'waiting', 'permission']);
    expect(sup.logsOf('agent state').map((l) => [l.state, l.cause])).toEqual([
      ['starting', 'agent started'],
      ['waiting', 'SessionStart'],
      ['working', 'UserPromptSubmit'],
      ['waiting', 'Stop'],
      ['permission', 'Notification permission_prompt'],
    ]);
    const askedAtMs = Date.now();
    const health = (await sup.health()).body;
    const answeredAtMs = Date.now();
    expect(health.agentState).toMatchObject({ state: 'permission' });
    // The prompt came after the agent was let go, and forMs is the time since then when health was asked.
    expect(health.agentState.sinceMs).toBeGreaterThanOrEqual(letGoAtMs);
    expect(health.agentState.forMs).toBeGreaterThanOrEqual(askedAtMs - health.agentState.sinceMs);
    expect(health.agentState.forMs).toBeLessThanOrEqual(answeredAtMs - health.agentState.sinceMs);
    await waitFor(() => received.length >= 3, 'three webhooks');
    const bodies = received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.event)).toEqual(['agent waiting for input', 'agent waiting for input', 'agent needs permission']);
    for (const r of received) expect(r.signature).toBe(`sha256=${createHmac('sha256', 'whsec-test').update(r.body).digest('hex')}`);
    expect(received.map((r) => r.body).join('')).not.toMatch(/sk-ant-hook-secret|whsec-test/);
    expect(sup.output).not.toMatch(/sk-ant-hook-secret|whsec-test/);
  });

  it('refuses hook posts without the token it gave the agent', async () => {
    sup = await SupervisorProcess.start({ env: { ...claudePreset, ANTHROPIC_API_KEY: 'sk-ant-x' } });
    await sup.waitForLog('agent started');
    const res = await fetch(`http://127.0.0.1:${sup.healthPort}/hooks?event=Stop`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(403);
    expect((await sup.health()).body.agentState.state).toBe('starting');
  });

  it('resumes the session Claude reported after a restart', async () => {
    sup = await SupervisorProcess.start({
      env: { ...claudePreset, ANTHROPIC_API_KEY: 'sk-ant-x', AGENTGATE_BACKOFF_INITIAL_MS: '50', AGENTGATE_BACKOFF_JITTER: '0', FAKE_SESSION: '42' },
      files: { '.claude-script': 'SessionStart\n', '.go': '', '.crash': '' },
    });
    await waitFor(() => sup.readWorkspaceFile('.claude-args').split('\n').length >= 3, 'a restart');
    const starts = sup.readWorkspaceFile('.claude-args').split('\n');
    expect(starts[0]).toBe('');
    expect(starts[1]).toBe(`--resume ${SESSION_42}`);
    expect(sup.logsOf('resuming the conversation')[0]).toMatchObject({ args: `--resume ${SESSION_42}` });
  });

  it('refuses a session id that is not of Claude\'s own form: it never reaches the command line nor the log', async () => {
    sup = await SupervisorProcess.start({
      env: { ...claudePreset, ANTHROPIC_API_KEY: 'sk-ant-x', AGENTGATE_BACKOFF_INITIAL_MS: '50', AGENTGATE_BACKOFF_JITTER: '0', FAKE_SESSION_ID: '--version' },
      files: { '.claude-script': 'SessionStart\n', '.go': '', '.crash': '' },
    });
    await waitFor(() => sup.readWorkspaceFile('.claude-args').split('\n').length >= 3, 'a restart');
    expect(sup.readWorkspaceFile('.claude-args').split('\n')[1]).toBe('--continue');
    expect(sup.logsOf('session id refused')).toEqual([expect.objectContaining({ type: 'string', chars: 9 })]);
    expect(sup.output).not.toContain('--version');
    expect(existsSync(join(sup.env.AGENTGATE_STATE_DIR as string, '.agentgate-session'))).toBe(false);
  });

  it('ignores a bad session id already in the state dir (kept by an older supervisor)', async () => {
    const state = mkdtempSync(join(tmpdir(), 'agentgate-state-'));
    dirs.push(state);
    writeFileSync(join(state, '.agentgate-session'), '--version\n');
    sup = await SupervisorProcess.start({
      env: { ...claudePreset, ANTHROPIC_API_KEY: 'sk-ant-x', AGENTGATE_BACKOFF_INITIAL_MS: '50', AGENTGATE_BACKOFF_JITTER: '0', AGENTGATE_STATE_DIR: state },
      files: { '.crash': '' },
    });
    await waitFor(() => sup.readWorkspaceFile('.claude-args').split('\n').length >= 3, 'a restart');
    expect(sup.readWorkspaceFile('.claude-args').split('\n').slice(0, 2)).toEqual(['', '--continue']);
  });

  it('starts a fresh session after a resumed run that ends at once, with exit 0 too', async () => {
    sup = await SupervisorProcess.start({
      env: { ...claudePreset, ANTHROPIC_API_KEY: 'sk-ant-x', AGENTGATE_BACKOFF_INITIAL_MS: '50', AGENTGATE_BACKOFF_JITTER: '0', FAKE_SESSION: '42' },
      files: { '.claude-script': 'SessionStart\n', '.go': '', '.crash': '0' },
    });
    await waitFor(() => sup.readWorkspaceFile('.claude-args').split('\n').length >= 5, 'four starts');
    const starts = sup.readWorkspaceFile('.claude-args').split('\n').slice(0, 4);
    expect(starts).toEqual(['', `--resume ${SESSION_42}`, '', `--resume ${SESSION_42}`]);
    expect(sup.logsOf('resume failed')[0]).toMatchObject({ code: 0 });
  });
});

describe('agent state from the screen, for agents without hooks', () => {
  it('is working while the screen changes and idle once still for AGENTGATE_IDLE_MS', async () => {
    sup = await SupervisorProcess.start({ env: { AGENTGATE_AGENT: 'agent-idle.sh', AGENTGATE_IDLE_MS: '1000' } });
    await sup.waitForLog('agent state', (l) => l.state === 'working');
    await sup.waitForLog('agent state', (l) => l.state === 'idle', 5000);
    // Keys typed into the pane echo on its screen: activity again.
    sup.tmux(['send-keys', '-t', 'agent', 'hello']);
    await sup.waitForLog('agent state', (l) => l.state === 'working' && sup.logsOf('agent state').length > 3, 5000);
  });
});
