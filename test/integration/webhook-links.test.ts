import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURES, SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue 20, items 1 and 4: a pending decision's webhook carries signed, single-use, expiring approve and deny
// links, in the receiver's format (json, ntfy, slack), through one bounded webhook queue.
const PUBLIC = 'https://phone.example/agents/box';
const claudePreset = {
  PATH: `${join(FIXTURES, 'fake-claude')}:${FIXTURES}:/usr/local/bin:/usr/bin:/bin`,
  ANTHROPIC_API_KEY: 'sk-ant-links-secret',
  AGENTGATE_ANSWER_TOKEN_SHA256: createHash('sha256').update('answer-token-for-the-test-0123456789abcdef').digest('hex'),
};
const ALLOW = { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } };

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let sup: SupervisorProcess | undefined;
let receiver: Server | undefined;
afterEach(async () => {
  await sup?.cleanup();
  receiver?.closeAllConnections();
  receiver?.close();
  sup = undefined;
  receiver = undefined;
});

/** A webhook receiver of the test's own: keeps what it got, answers `status()` (503: a receiver that is down). */
async function startReceiver(status: () => number = () => 200): Promise<{ url: string; received: Received[]; refused: { count: number } }> {
  const received: Received[] = [];
  const refused = { count: 0 };
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d)).on('end', () => {
      const code = status();
      if (code === 200) received.push({ headers: req.headers, body });
      else refused.count += 1;
      res.writeHead(code).end();
    });
  });
  await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/notify`, received, refused };
}

/** Starts the supervisor with the fake claude playing `script` once told to go. */
async function startWith(script: string, env: Record<string, string>): Promise<SupervisorProcess> {
  sup = await SupervisorProcess.start({ env: { ...claudePreset, AGENTGATE_PUBLIC_URL: PUBLIC, ...env }, files: { '.claude-script': script } });
  await sup.waitForLog('ready');
  writeFileSync(join(sup.workspace, '.go'), '');
  return sup;
}

/** What the fake claude's hook printed for each request so far. */
function hookOutputs(s: SupervisorProcess): string[] {
  try {
    return readFileSync(join(s.workspace, '.hook-output'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** A link as the phone follows it: the public address reaches the health server (a reverse proxy's job). */
function follow(s: SupervisorProcess, link: string, init: RequestInit = {}): Promise<{ status: number; text: string; type: string }> {
  expect(link.startsWith(`${PUBLIC}/link/`)).toBe(true);
  return fetch(link.replace(PUBLIC, `http://127.0.0.1:${s.healthPort}`), { redirect: 'manual', ...init }).then(async (res) => ({
    status: res.status,
    text: await res.text(),
    type: res.headers.get('content-type') ?? '',
  }));
}

const post = (form = '') => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });

describe('webhook action links', () => {
  it('a decision carries links: GET shows a page and answers nothing, POST approves (the hook prints allow) once; forged and replayed links are refused', async () => {
    const hook = await startReceiver();
    const s = await startWith('PermissionRequest ls -la /workspace\nPermissionRequest make deploy\n', { AGENTGATE_NOTIFY_URL: hook.url });
    const sent = await waitFor(() => hook.received.map((r) => JSON.parse(r.body)).find((p) => p.event === 'decision pending'), 'the decision webhook');
    expect(sent).toMatchObject({ tool: 'Bash', summary: 'ls -la /workspace', links: { allow: expect.stringContaining(`${PUBLIC}/link/${sent.id}/allow?x=${sent.expiresAtMs}&s=`) } });
    const { allow, deny } = sent.links as { allow: string; deny: string };
    // The signature is never anywhere the agent can read: not in /readyz, /decisions or the log.
    const signature = new URL(allow).searchParams.get('s')!;
    expect(JSON.stringify((await s.health()).body)).not.toContain(signature);
    expect(await (await fetch(`http://127.0.0.1:${s.healthPort}/decisions`)).text()).not.toContain(signature);

    // A link previewer's GET (Slack unfurls links) shows the question and answers nothing.
    const page = await follow(s, allow);
    expect(page).toMatchObject({ status: 200, type: 'text/html; charset=utf-8' });
    expect(page.text).toContain('<form method="post">');
    expect(page.text).toContain('ls -la /workspace');
    expect((await follow(s, allow, { method: 'HEAD' })).status).toBe(200);
    expect((await s.health()).body.decisions).toHaveLength(1);
    expect(hookOutputs(s)).toEqual([]);

    // Forged: another decision's id, the other answer, a changed expiry, a made-up signature.
    const forged = [
      allow.replace(`/link/${sent.id}/`, '/link/abcdef/'),
      allow.replace('/allow?', '/deny?'),
      allow.replace(`x=${sent.expiresAtMs}`, `x=${sent.expiresAtMs + 60_000}`),
      allow.replace(signature, 'A'.repeat(43)),
      allow.replace(`&s=${signature}`, ''),
    ];
    for (const link of forged) {
      const refused = await follow(s, link, post());
      expect(refused.status, link).toBe(403);
      expect(refused.text).toContain('not signed by this supervisor');
    }
    expect((await s.health()).body.decisions).toHaveLength(1);

    const answered = await follow(s, allow, post());
    expect(answered.status).toBe(200);
    expect(answered.text).toContain('Allowed: Bash ls -la /workspace');
    await waitFor(() => hookOutputs(s).length === 1, 'the hook to end');
    expect(JSON.parse(hookOutputs(s)[0]!)).toEqual(ALLOW);
    expect(await s.waitForLog('decision closed', (l) => l.id === sent.id)).toMatchObject({ outcome: 'allow', by: 'webhook link' });

    // Single use: the same link again, or the other answer's link, is refused and says who answered.
    for (const link of [allow, deny]) {
      const replay = await follow(s, link, post());
      expect(replay.status).toBe(409);
      expect(replay.text).toContain('already answered by webhook link (allow)');
    }
    expect((await follow(s, allow)).status).toBe(409);
    // The log line is written as the answer goes out: read the log until it has all three.
    await waitFor(() => s.logsOf('answer refused').filter((l) => l.status === 409).length >= 3, 'the three refusals in the log');
    expect(s.logsOf('answer refused').filter((l) => l.status === 409)).toHaveLength(3);

    // The next decision is untouched by all of that, and its own deny link takes a message from the page's form.
    const next = await waitFor(() => hook.received.map((r) => JSON.parse(r.body)).find((p) => p.event === 'decision pending' && p.id !== sent.id), 'the second decision');
    expect((await follow(s, next.links.deny)).text).toContain('name="message"');
    const denied = await follow(s, next.links.deny, post('message=not+on+friday%21'));
    expect(denied.status).toBe(200);
    await waitFor(() => hookOutputs(s).length === 2, 'the second hook to end');
    expect(JSON.parse(hookOutputs(s)[1]!)).toEqual({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'not on friday!' } } });
    expect(s.output).not.toContain(signature);
  });

  it('a link after its decision expired is refused with 410; an unknown route without links is 404', async () => {
    const hook = await startReceiver();
    const s = await startWith('PermissionRequest make test\n', { AGENTGATE_NOTIFY_URL: hook.url, AGENTGATE_DECISION_WAIT_MS: '1500' });
    const sent = await waitFor(() => hook.received.map((r) => JSON.parse(r.body)).find((p) => p.event === 'decision pending'), 'the decision webhook');
    await waitFor(() => hookOutputs(s).length === 1, 'the hook to end at expiry');
    expect(hookOutputs(s)).toEqual(['(none)']);
    const late = await follow(s, sent.links.allow, post());
    expect(late.status).toBe(410);
    expect(late.text).toContain('this link expired');
    expect((await follow(s, sent.links.deny)).status).toBe(410);
    expect(await s.waitForLog('answer refused', (l) => l.status === 410)).toMatchObject({ by: 'webhook link', reason: expect.stringContaining('expired') });
  });

  it('without AGENTGATE_PUBLIC_URL no links are sent and no link is served', async () => {
    const hook = await startReceiver();
    const s = await startWith('PermissionRequest make test\n', { AGENTGATE_NOTIFY_URL: hook.url, AGENTGATE_PUBLIC_URL: '' });
    const sent = await waitFor(() => hook.received.map((r) => JSON.parse(r.body)).find((p) => p.event === 'decision pending'), 'the decision webhook');
    expect(sent.links).toBeUndefined();
    expect((await fetch(`http://127.0.0.1:${s.healthPort}/link/${sent.id}/allow?x=${sent.expiresAtMs}&s=x`)).status).toBe(404);
    expect((await s.health()).body.decisions).toHaveLength(1);
  });
});

describe('webhook formats', () => {
  it('ntfy: the text as the body, Title, Tags, Priority and http Actions; the Approve action answers as ntfy would POST it', async () => {
    const hook = await startReceiver();
    const s = await startWith('PermissionRequest curl -H sk-ant-links-secret example.com\n', { AGENTGATE_NOTIFY_URL: hook.url, AGENTGATE_NOTIFY_FORMAT: 'ntfy' });
    const sent = await waitFor(() => hook.received.find((r) => r.headers.actions), 'the ntfy decision');
    expect(sent.headers).toMatchObject({ 'content-type': 'text/plain; charset=utf-8', tags: 'question,agentgate', priority: '4', title: expect.stringMatching(/^agent in .+: Allow Bash\?$/) });
    expect(sent.body).toMatch(/^Bash: curl -H \[redacted\] example\.com \(decision [0-9a-f]{6}, until 20\d\d-/);
    const actions = String(sent.headers.actions).split('; ');
    expect(actions).toHaveLength(2);
    const [approve] = actions.map((a) => a.split(', '));
    expect(approve).toEqual(['http', 'Approve', expect.stringMatching(new RegExp(`^${PUBLIC}/link/[0-9a-f]{6}/allow\\?x=\\d+&s=[\\w-]{43}$`)), 'method=POST', 'clear=true']);
    expect(actions[1]).toMatch(/^http, Deny, .*\/deny\?.*, method=POST, clear=true$/);
    // ntfy's http action: a POST with no body, from the phone.
    expect((await follow(s, approve![2]!, { method: 'POST' })).status).toBe(200);
    await waitFor(() => hookOutputs(s).length === 1, 'the hook to end');
    expect(JSON.parse(hookOutputs(s)[0]!)).toEqual(ALLOW);
    expect(JSON.stringify(hook.received)).not.toContain('sk-ant-links-secret');
  });

  it('slack: {text, blocks} with url buttons to the links; state changes without buttons', async () => {
    const hook = await startReceiver();
    await startWith('Stop\nPermissionRequest rm -rf <build> & co\n', { AGENTGATE_NOTIFY_URL: hook.url, AGENTGATE_NOTIFY_FORMAT: 'slack' });
    const messages = () => hook.received.map((r) => JSON.parse(r.body));
    const decision = await waitFor(() => messages().find((m) => m.blocks.length === 3), 'the slack decision');
    expect(hook.received[0]!.headers['content-type']).toBe('application/json');
    expect(decision.text).toMatch(/^Allow Bash\? \(agent in .+\): Bash: rm -rf <build> & co/);
    expect(decision.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('*Allow Bash?*\nBash: rm -rf &lt;build&gt; &amp; co') } });
    expect(decision.blocks[2].elements).toEqual([
      expect.objectContaining({ type: 'button', text: { type: 'plain_text', text: 'Approve' }, url: expect.stringMatching(new RegExp(`^${PUBLIC}/link/[0-9a-f]{6}/allow\\?`)), style: 'primary' }),
      expect.objectContaining({ type: 'button', text: { type: 'plain_text', text: 'Deny' }, url: expect.stringContaining('/deny?'), style: 'danger' }),
    ]);
    const waiting = messages().find((m) => m.text.startsWith('agent waiting for input'));
    expect(waiting.blocks).toHaveLength(2);
  });

  it('a dead receiver and 1000 events: at most 4 deliveries under way and 100 waiting, the oldest dropped and counted', async () => {
    let alive = false;
    const hook = await startReceiver(() => (alive ? 200 : 503));
    const s = await startWith('', { AGENTGATE_NOTIFY_URL: hook.url, AGENTGATE_LOG_LEVEL: 'debug' });
    const agent = await waitFor(async () => {
      for (const p of await s.processes()) {
        try {
          const env = Object.fromEntries(readFileSync(`/proc/${p.pid}/environ`, 'utf8').split('\0').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
          if (env.AGENTGATE_HOOK_TOKEN) return { url: env.AGENTGATE_HOOK_URL!, token: env.AGENTGATE_HOOK_TOKEN };
        } catch {
          // gone
        }
      }
      return undefined;
    }, "the agent's hook environment");
    const report = (query: string) => fetch(`${agent.url}?${query}`, { method: 'POST', headers: { 'x-agentgate-token': agent.token }, body: '{}' });
    // Each hook moves the state between `permission` and `waiting`: each change is one webhook.
    for (let i = 0; i < 500; i++) {
      await report('event=Notification&type=permission_prompt');
      await report('event=Stop');
    }
    const dropped = await waitFor(() => s.logsOf('webhook dropped').at(-1)?.dropped >= 801 && s.logsOf('webhook dropped'), 'the drops to be logged');
    expect(dropped.map((l) => l.dropped)).toEqual([1, 101, 201, 301, 401, 501, 601, 701, 801]);
    expect(dropped.at(-1)).toMatchObject({ queued: 100, inFlight: 4 });
    const pid = await s.supervisorPid();
    const peak = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024;
    expect(peak).toBeLessThan(150 * 1024 * 1024);
    // The receiver comes back: the 4 under way (at their next retry) and the 100 kept arrive, then a new event.
    alive = true;
    await waitFor(() => hook.received.length === 104, '104 deliveries', 40_000);
    await report('event=Notification&type=permission_prompt');
    await waitFor(() => hook.received.length === 105, 'the next event', 10_000);
    expect(JSON.parse(hook.received.at(-1)!.body)).toMatchObject({ event: 'agent needs permission' });
    // The delivery is logged once the receiver has answered it: wait for the last line.
    await waitFor(() => s.logsOf('webhook delivered').length >= 105, 'the 105 deliveries in the log', 30_000);
    expect(s.logsOf('webhook delivered')).toHaveLength(105);
  }, 90_000);
});
