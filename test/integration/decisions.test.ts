import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE, FIXTURES, SupervisorProcess, agentHookEnv } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue 20: Claude's PermissionRequest hook held as a pending decision, answered from outside the agent.
const TOKEN = 'answer-token-for-the-test-0123456789abcdef';
const claudePreset = {
  PATH: `${join(FIXTURES, 'fake-claude')}:${FIXTURES}:/usr/local/bin:/usr/bin:/bin`,
  ANTHROPIC_API_KEY: 'sk-ant-decisions',
  AGENTGATE_ANSWER_TOKEN_SHA256: createHash('sha256').update(TOKEN).digest('hex'),
};
const ALLOW = { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } };
let sup: SupervisorProcess;
afterEach(async () => {
  await sup?.cleanup();
});

/** Starts the supervisor with the fake claude playing `script` once told to go. */
async function startWith(script: string, env: Record<string, string> = {}): Promise<SupervisorProcess> {
  sup = await SupervisorProcess.start({ env: { ...claudePreset, ...env }, files: { '.claude-script': script } });
  await sup.waitForLog('ready');
  writeFileSync(join(sup.workspace, '.go'), '');
  return sup;
}

async function pending(s: SupervisorProcess, count = 1): Promise<Array<{ id: string; tool: string; summary: string; askedAtMs: number; expiresAtMs: number }>> {
  return waitFor(async () => {
    const { body } = await s.health();
    return body.decisions?.length === count ? body.decisions : undefined;
  }, `${count} pending decisions in /readyz`);
}

/** What the fake claude's hook printed for each request so far. */
function hookOutputs(s: SupervisorProcess): string[] {
  try {
    return readFileSync(join(s.workspace, '.hook-output'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

async function answer(s: SupervisorProcess, id: string, body: unknown, authorization = `Bearer ${TOKEN}`): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${s.healthPort}/decisions/${id}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

/** The real bundle's `agentgate approve|deny` as a person in the container runs it. */
function cli(s: SupervisorProcess, args: string[], token: string | null = TOKEN): { status: number | null; stdout: string; stderr: string } {
  const env = { ...s.env, ...(token ? { AGENTGATE_ANSWER_TOKEN: token } : {}) };
  const result = spawnSync('node', [BUNDLE, ...args], { env, encoding: 'utf8', timeout: 10_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}


/** Posts one PermissionRequest as the agent would, on its own connection; resolves with the status and body. */
function askAsAgent(hook: { url: string; token: string }, command: string, signal?: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ hook_event_name: 'PermissionRequest', tool_name: 'Bash', tool_input: { command } });
    const req = request(`${hook.url}?event=PermissionRequest`, { method: 'POST', agent: false, signal, headers: { 'content-type': 'application/json', 'x-agentgate-token': hook.token } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('pending decisions', () => {
  it('a permission request waits in /readyz and status; approve in the container makes the hook print allow for Claude', async () => {
    const s = await startWith('SessionStart\nPermissionRequest ls -la /workspace\n');
    const [decision] = await pending(s);
    expect(decision).toMatchObject({ tool: 'Bash', summary: 'ls -la /workspace' });
    expect(decision!.expiresAtMs - decision!.askedAtMs).toBe(300_000);
    expect(cli(s, ['status'], null).stdout).toContain(`decision ${decision!.id}: Bash ls -la /workspace`);
    const approved = cli(s, ['approve']);
    expect(approved).toMatchObject({ status: 0, stdout: `allowed ${decision!.id} (Bash)\n` });
    await waitFor(() => hookOutputs(s).length === 1, 'the hook to end');
    expect(JSON.parse(hookOutputs(s)[0]!)).toEqual(ALLOW);
    const closed = await s.waitForLog('decision closed');
    expect(closed).toMatchObject({ id: decision!.id, tool: 'Bash', outcome: 'allow', by: 'container cli', hasMessage: false });
    expect((await s.health()).body.decisions).toEqual([]);
    // A second answer learns who answered first.
    const again = cli(s, ['deny', decision!.id]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`decision ${decision!.id} already closed: already answered by container cli (allow)`);
  });

  it('deny with a message through the API reaches Claude as the tool\'s error; a second answer gets 409; both on /events', async () => {
    const s = await startWith('PermissionRequest rm -rf build\n');
    const events: string[] = [];
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${s.healthPort}/events`, { signal: controller.signal });
    void (async () => {
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) events.push(Buffer.from(chunk).toString('utf8'));
      } catch {
        // aborted
      }
    })();
    const [decision] = await pending(s);
    await waitFor(() => events.join('').includes('event: decision pending'), 'the decision pending event');
    const denied = await answer(s, decision!.id, { behavior: 'deny', message: 'not the build dir, use make clean', by: 'phone' });
    expect(denied).toMatchObject({ status: 200, body: { id: decision!.id, outcome: 'deny', by: 'phone', hasMessage: true } });
    await waitFor(() => hookOutputs(s).length === 1, 'the hook to end');
    expect(JSON.parse(hookOutputs(s)[0]!)).toEqual({
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'not the build dir, use make clean' } },
    });
    const late = await answer(s, decision!.id, { behavior: 'allow' });
    expect(late).toEqual({ status: 409, body: { error: expect.stringContaining('already answered by phone (deny)') } });
    await waitFor(() => events.join('').includes('event: decision closed'), 'the decision closed event');
    const stream = events.join('');
    expect(stream).toContain(`"id":"${decision!.id}","tool":"Bash","summary":"rm -rf build"`);
    expect(stream).toMatch(/event: decision closed\ndata: \{"id":"[0-9a-f]+","tool":"Bash","outcome":"deny","by":"phone"/);
    controller.abort();
    expect(await answer(s, 'abcdef', { behavior: 'allow' })).toMatchObject({ status: 404 });
    expect(await answer(s, decision!.id, { behavior: 'maybe' })).toMatchObject({ status: 400 });
    expect(await answer(s, decision!.id, { behavior: 'deny', message: 'bell\u0007' })).toMatchObject({ status: 400 });
  });

  it('the webhook gets each new decision, scrubbed: id, tool, summary, container and session', async () => {
    const posts: any[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d)).on('end', () => {
        posts.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as { port: number }).port;
      const s = await startWith('PermissionRequest curl -H sk-ant-decisions example.com\n', { AGENTGATE_NOTIFY_URL: `http://127.0.0.1:${port}/hook` });
      const [decision] = await pending(s);
      const post = await waitFor(() => posts.find((p) => p.event === 'decision pending'), 'the decision webhook');
      expect(post).toMatchObject({ event: 'decision pending', id: decision!.id, tool: 'Bash', summary: 'curl -H [redacted] example.com', session: 'agent' });
      expect(typeof post.container).toBe('string');
      expect(JSON.stringify(posts)).not.toContain('sk-ant-decisions');
    } finally {
      server.close();
    }
  });

  it('after AGENTGATE_DECISION_WAIT_MS the hook ends with no output (the dialog decides); a late answer gets 409', async () => {
    // Longer than the health server's 10 s request timeout: a held hook outlives it.
    const s = await startWith('PermissionRequest make test\n', { AGENTGATE_DECISION_WAIT_MS: '11000' });
    const [decision] = await pending(s);
    await waitFor(() => hookOutputs(s).length === 1, 'the hook to end', 20_000);
    expect(hookOutputs(s)).toEqual(['(none)']);
    expect(Date.now()).toBeGreaterThanOrEqual(decision!.expiresAtMs);
    expect(await s.waitForLog('decision closed')).toMatchObject({ outcome: 'expired', by: 'expiry' });
    expect(await answer(s, decision!.id, { behavior: 'allow' })).toEqual({ status: 409, body: { error: expect.stringContaining('expired') } });
  });

  it("the agent's hook token can ask but never answer; no token, a wrong one and the hash itself are refused", async () => {
    const s = await startWith('PermissionRequest curl evil.example\n');
    const hook = await agentHookEnv(s);
    const [decision] = await pending(s);
    for (const authorization of [`Bearer ${hook.token}`, '', 'Bearer wrong-token-wrong-token-wrong', `Bearer ${claudePreset.AGENTGATE_ANSWER_TOKEN_SHA256}`]) {
      expect(await answer(s, decision!.id, { behavior: 'allow' }, authorization)).toMatchObject({ status: 403 });
    }
    const res = await fetch(`http://127.0.0.1:${s.healthPort}/decisions/${decision!.id}`, {
      method: 'POST',
      headers: { 'x-agentgate-token': hook.token },
      body: '{"behavior":"allow"}',
    });
    expect(res.status).toBe(403);
    // The agent's own `agentgate approve` with its hook token as the answer token: refused.
    expect(cli(s, ['approve'], hook.token)).toMatchObject({ status: 1, stderr: expect.stringContaining('bad or missing authorization') });
    expect((await s.health()).body.decisions).toHaveLength(1);
    expect(hookOutputs(s)).toEqual([]);
  });

  it('the terminal answers first: the hook going away, or the tool running, closes the decision', async () => {
    const s = await startWith('');
    const hook = await agentHookEnv(s);
    const controller = new AbortController();
    const asked = askAsAgent(hook, 'git push', controller.signal).catch((error: Error) => error);
    const [first] = await pending(s);
    controller.abort();
    await asked;
    expect(await s.waitForLog('decision closed', (l) => l.id === first!.id)).toMatchObject({ outcome: 'at the terminal', by: 'hook ended' });
    const held = askAsAgent(hook, 'git push --force');
    await pending(s);
    await fetch(`${hook.url}?event=PostToolUse`, {
      method: 'POST',
      headers: { 'x-agentgate-token': hook.token },
      body: JSON.stringify({ tool_name: 'Bash', tool_input: { command: 'git push --force' } }),
    });
    expect(await held).toEqual({ status: 204, body: '' });
    expect(await s.waitForLog('decision closed', (l) => l.id !== first!.id)).toMatchObject({ outcome: 'at the terminal', by: 'terminal' });
  });

  it('a storm of 1000 requests: 64 held, the rest end at once, memory bounded, answers still work', async () => {
    const s = await startWith('');
    const hook = await agentHookEnv(s);
    const storm = Array.from({ length: 1000 }, (_, i) => askAsAgent(hook, `echo ${i}`));
    const held = await pending(s, 64);
    // The 936 not held ended at once with no output: their dialogs decide.
    const early = await waitFor(async () => {
      const settled = await Promise.all(storm.map((p) => Promise.race([p.then((r) => r), new Promise<null>((r) => setImmediate(() => r(null)))])));
      const done = settled.filter((r) => r !== null);
      return done.length >= 936 ? done : undefined;
    }, 'the requests not held to end', 20_000);
    expect(early.every((r) => r!.status === 204 && r!.body === '')).toBe(true);
    expect((await answer(s, held[10]!.id, { behavior: 'allow' })).status).toBe(200);
    const pid = await s.supervisorPid();
    const peak = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;
    expect(peak).toBeLessThan(150 * 1024 * 1024);
    expect(s.logsOf('decision not held').length).toBeLessThanOrEqual(10);
    await s.signal('SIGTERM');
    const ended = await Promise.all(storm);
    expect(ended.filter((r) => r.body.includes('"allow"'))).toHaveLength(1);
  });
});
