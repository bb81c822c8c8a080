import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContainers, exec, logEvents, requireEngine } from '../helpers/containers.js';
import { HARDENING, TEST_IMAGE, docker } from '../helpers/docker.js';
import { CLAUDE_TEST_KEY, preparedClaudeState } from '../helpers/claude-state.js';
import { MockAnthropic } from '../helpers/mock-anthropic.js';
import { freePort } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';
import { assertNoAutoModeOffer } from '../helpers/auto-mode-offer.js';

const reachable = requireEngine();
const made = new TestContainers();
const mock = new MockAnthropic();
afterAll(() => {
  mock.stop();
  made.cleanup();
});

const API_KEY = CLAUDE_TEST_KEY;
const preparedStateDir = (settings: Record<string, unknown> = {}) => {
  const dir = preparedClaudeState(settings);
  made.track(dir);
  return dir;
};

/** The real claude, on the host's loopback (where the mock listens), hardened otherwise. */
async function runClaude(label: string, state: string, ws: string, extra: string[] = []): Promise<string> {
  const container = made.name(label);
  const hostNet = HARDENING.filter((f, i, all) => f !== '--network' && all[i - 1] !== '--network');
  const r = docker([
    'run', '-d', '--name', container, ...hostNet, '--network', 'host',
    '-v', `${ws}:/workspace`, '-v', `${state}:/home/agentgate/.claude`,
    '-e', `ANTHROPIC_API_KEY=${API_KEY}`, '-e', `ANTHROPIC_BASE_URL=http://127.0.0.1:${mock.port}`,
    '-e', `AGENTGATE_HEALTH_PORT=${await freePort()}`, '-e', 'AGENTGATE_BACKOFF_INITIAL_MS=200',
    ...extra, TEST_IMAGE,
  ]);
  expect(r.status, r.stderr).toBe(0);
  return container;
}

const states = (container: string) => logEvents(container, 'agent state').map((e) => e.state as string);

describe.skipIf(!reachable)('the real claude against a mock of its API', () => {
  beforeAll(() => mock.start());

  it('reports a turn through its hooks, even when the repository disables hooks, and takes the first prompt once', async () => {
    const ws = made.workspace();
    // A repository that tries to switch hooks off: managed settings win.
    mkdirSync(join(ws, '.claude'));
    writeFileSync(join(ws, '.claude', 'settings.json'), JSON.stringify({ disableAllHooks: true }));
    chownSync(join(ws, '.claude'), 1000, 1000);
    const state = preparedStateDir();
    const container = await runClaude('claude-turn', state, ws, ['-e', 'AGENTGATE_PROMPT=first prompt from agentgate', '-e', 'AGENTGATE_TRANSCRIPT=true']);
    await waitFor(() => states(container).join(' ').includes('starting waiting working waiting'), 'a whole turn in the log', 60_000, () => states(container).join(' '));
    await waitFor(() => exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout.includes('hello from the mock model'), 'the reply on screen', 20_000);
    expect(mock.conversations().some((texts) => texts.includes('first prompt from agentgate'))).toBe(true);
    // The conversation in docker logs, one transcript event per message (AGENTGATE_TRANSCRIPT).
    const transcript = () => logEvents(container, 'transcript');
    await waitFor(() => transcript().some((t) => t.role === 'assistant'), 'the reply in the transcript events', 20_000);
    expect(transcript()).toEqual(expect.arrayContaining([
      expect.objectContaining({ role: 'user', text: 'first prompt from agentgate' }),
      expect.objectContaining({ role: 'assistant', text: 'hello from the mock model' }),
    ]));
    expect(docker(['logs', container]).stdout).not.toContain(API_KEY);

    // A restart resumes the session: the next turn carries the first prompt as history, and it is not sent anew.
    exec(container, ['pkill', '-KILL', '-x', 'claude']);
    await waitFor(() => docker(['logs', container]).stdout.includes('"msg":"resuming the conversation"'), 'resume on restart', 30_000);
    await waitFor(() => states(container).slice(-1)[0] === 'waiting', 'the resumed session waits', 60_000);
    const before = mock.requests.length;
    exec(container, ['tmux', 'send-keys', '-t', 'agent', 'second question', 'Enter']);
    await waitFor(() => mock.conversations().slice(before).some((t) => t.includes('second question')), 'second turn at the API', 60_000);
    const second = mock.conversations().find((t) => t.includes('second question')) ?? [];
    expect(second).toContain('first prompt from agentgate'); // the earlier message reached the API again
    expect(mock.conversations().filter((t) => t[t.length - 1] === 'first prompt from agentgate').length).toBeGreaterThanOrEqual(1);

    // The container re-created on the same state volume resumes too, without the first prompt again.
    docker(['rm', '-f', container]);
    const again = await runClaude('claude-again', state, ws, ['-e', 'AGENTGATE_PROMPT=first prompt from agentgate']);
    await waitFor(() => docker(['logs', again]).stdout.includes('"msg":"resuming the conversation"'), 'resume after re-creation', 30_000);
    expect(docker(['logs', again]).stdout).not.toContain('"msg":"first prompt given"');
  });

  it('takes a first prompt that reads as options as a prompt, once it took it, and keeps its text out of the log, events and ps', async () => {
    const ws = made.workspace();
    const state = preparedStateDir();
    // On claude's command line this printed the version and exited; a Markdown list was an unknown option.
    const prompt = '--version\n- fix the failing tests in the parser';
    const container = await runClaude('claude-option-prompt', state, ws, ['-e', `AGENTGATE_PROMPT=${prompt}`]);
    const screen = () => `${states(container).join(' ')}\n${exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout}`;
    const reached = () => mock.conversations().some((texts) => texts.some((t) => t.includes('--version') && t.includes('fix the failing tests in the parser')));
    await waitFor(reached, 'the whole prompt at the mock API', 90_000, screen);
    await waitFor(() => logEvents(container, 'first prompt given').length === 1, 'first prompt given', 30_000, screen);
    expect(logEvents(container, 'first prompt given')[0]).toMatchObject({ chars: prompt.length });
    const commandLines = exec(container, ['sh', '-c', 'cat /proc/[0-9]*/cmdline | tr "\\0" " "']).stdout;
    expect(commandLines).not.toContain('fix the failing');
    // Claude's screen shows the prompt when it dies: the exit's last lines, in the log and on /events, do not.
    exec(container, ['pkill', '-KILL', '-x', 'claude']);
    await waitFor(() => logEvents(container, 'agent exited').length > 0, 'the exit', 30_000);
    expect(logEvents(container, 'agent exited')[0]?.lastLines).toEqual(expect.arrayContaining(['[prompt]']));
    // The restart resumes the session claude reported: its id is a UUID, accepted.
    await waitFor(() => logEvents(container, 'resuming the conversation').length > 0, 'resume on restart', 30_000);
    expect(logEvents(container, 'resuming the conversation')[0]?.args).toMatch(/^--resume [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(logEvents(container, 'session id refused')).toEqual([]);
    const logs = docker(['logs', container]).stdout;
    expect(logs).not.toContain('fix the failing');
    expect(logEvents(container, 'first prompt typed')).toHaveLength(1);
  }, 180_000);

  it('refuses a session id that is not of Claude\'s own form from a forged hook, and the restart resumes the real session', async () => {
    const ws = made.workspace();
    const state = preparedStateDir();
    const container = await runClaude('claude-forged-session', state, ws);
    await waitFor(() => states(container).includes('waiting'), 'claude ready (SessionStart)', 60_000);
    // As the agent would: it holds the hook token in its environment.
    const forged = exec(container, ['sh', '-c', [
      'pid=$(pgrep -x claude | head -n1)',
      'eval "$(tr "\\0" "\\n" < /proc/$pid/environ | grep -E "^AGENTGATE_HOOK_(URL|TOKEN)=" | sed "s/^/export /")"',
      'curl -s -o /dev/null -w "%{http_code}" -H "x-agentgate-token: $AGENTGATE_HOOK_TOKEN" --data \'{"session_id":"--version"}\' "$AGENTGATE_HOOK_URL?event=SessionStart"',
    ].join('; ')]);
    expect(forged.stdout).toMatch(/^20\d$/);
    await waitFor(() => logEvents(container, 'session id refused').length === 1, 'the forged id refused', 10_000);
    expect(logEvents(container, 'session id refused')[0]).toMatchObject({ type: 'string', chars: 9 });
    exec(container, ['pkill', '-KILL', '-x', 'claude']);
    await waitFor(() => logEvents(container, 'resuming the conversation').length > 0, 'resume on restart', 30_000);
    expect(logEvents(container, 'resuming the conversation')[0]?.args).toMatch(/^--resume [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    await waitFor(() => states(container).slice(-1)[0] === 'waiting', 'the resumed session waits', 60_000);
    expect(exec(container, ['cat', '/home/agentgate/.claude/.agentgate-session']).stdout).not.toContain('--version');
    expect(docker(['logs', container]).stdout).not.toContain('"--version"');
  }, 180_000);

  it('says when Claude needs permission, and goes back to work once it is given', async () => {
    const ws = made.workspace();
    // Ask before running tools, as Claude's default mode does, so that a tool call needs a person.
    const state = preparedStateDir({ permissions: { defaultMode: 'default' } });
    const container = await runClaude('claude-permission', state, ws, ['-e', 'AGENTGATE_PROMPT=please run the tool']);
    const lastRequests = () =>
      mock.requests
        .slice(-3)
        .map((r) => `${r.path} tools=${Array.isArray(r.body.tools) ? r.body.tools.length : '-'} last=${JSON.stringify(r.body.messages?.at(-1)).slice(0, 400)}`)
        .join('\n');
    const screen = () => `${states(container).join(' ')}\n${exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout}\n${lastRequests()}`;
    // The auto-mode offer would refuse typed input (the first prompt included): the supervisor settled it.
    await waitFor(() => (assertNoAutoModeOffer(container), states(container).includes('permission')), 'permission needed', 60_000, screen);
    const report = JSON.parse(exec(container, ['agentgate', 'health', '--json']).stdout);
    expect(report.agentState.state).toBe('permission');
    // The first choice: yes. Claude reports the request (its Notification hook) as it draws the dialog, which may
    // not take keys yet: a person presses again while the dialog is still there, and so does the test.
    let pressedAtMs = 0;
    const answerDialog = () => {
      if (Date.now() - pressedAtMs < 2000 || !exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout.includes('Do you want to proceed?')) return;
      pressedAtMs = Date.now();
      exec(container, ['tmux', 'send-keys', '-t', 'agent', 'Enter']);
    };
    await waitFor(() => (answerDialog(), states(container).slice(states(container).lastIndexOf('permission')).includes('waiting')), 'the turn ends', 60_000, screen);
    expect(exec(container, ['test', '-e', '/workspace/made-by-the-tool']).status).toBe(0);
  });
});
