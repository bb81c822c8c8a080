import { chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_IMAGE, ensureAgentsImage } from '../helpers/agents-image.js';
import { TestContainers, exec, logEvents, readyz, requireEngine } from '../helpers/containers.js';
import { HARDENING, docker } from '../helpers/docker.js';
import { MockGemini } from '../helpers/mock-gemini.js';
import { freePort } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
// A prompt starting "please run a command" gets a call of its run_shell_command tool, which it asks permission for.
const mock = new MockGemini(undefined, { trigger: 'please run a command', command: 'touch /workspace/made-by-tool' });
afterAll(async () => {
  await mock.close();
  made.cleanup();
});

/**
 * A state dir whose Gemini CLI home has its one-time answers given: the API-key auth method (the dialog a key
 * alone does not skip) and the workspace trusted.
 */
function geminiState(authChosen: boolean, settings: Record<string, unknown> = {}): string {
  const state = mkdtempSync(join(tmpdir(), 'agentgate-gemini-state-'));
  made.track(state);
  const dir = join(state, 'gemini', '.gemini');
  mkdirSync(dir, { recursive: true });
  if (authChosen) writeFileSync(join(dir, 'settings.json'), JSON.stringify({ ...settings, security: { auth: { selectedType: 'gemini-api-key' } } }));
  writeFileSync(join(dir, 'trustedFolders.json'), JSON.stringify({ '/workspace': 'TRUST_FOLDER' }));
  for (const path of [state, join(state, 'gemini'), dir, join(dir, 'trustedFolders.json'), ...(authChosen ? [join(dir, 'settings.json')] : [])]) chownSync(path, 1000, 1000);
  return state;
}

const screen = (container: string) => exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;
/** The state changes the supervisor logged, as `state cause`. */
const stateChanges = (container: string) => logEvents(container, 'agent state').map((e) => `${e.state} ${e.cause}`);

/**
 * Types a line into Gemini CLI and presses Enter until it reaches the mock: text typed while it still
 * settles can be dropped (then typed again), and an Enter can be early.
 */
async function submit(container: string, text: string): Promise<void> {
  const submitted = () => mock.turns().some((texts) => texts.at(-1) === text);
  for (let tries = 0; !submitted(); tries += 1) {
    expect(tries, `"${text}" not submitted; the screen:\n${screen(container)}`).toBeLessThan(3);
    if (!screen(container).includes(text)) exec(container, ['tmux', 'send-keys', '-t', 'agent', '-l', text]);
    await waitFor(() => screen(container).includes(text), `"${text}" in its input`, 5000).catch(() => undefined);
    exec(container, ['tmux', 'send-keys', '-t', 'agent', 'Enter']);
    await waitFor(submitted, `"${text}" at the mock`, 5000).catch(() => undefined);
  }
}

async function runGemini(label: string, state: string, extra: string[] = [], ws = made.workspace()): Promise<string> {
  const container = made.name(label);
  const hostNet = HARDENING.filter((f, i, all) => f !== '--network' && all[i - 1] !== '--network');
  const r = docker([
    'run', '-d', '--name', container, ...hostNet, '--network', 'host',
    '-v', `${ws}:/workspace`, '-v', `${state}:/home/agentgate/.claude`,
    // A fixed model: the default (Auto) first asks a routing model for JSON, which the mock does not speak.
    '-e', 'AGENTGATE_AGENT=gemini', '-e', 'AGENTGATE_AGENT_ARGS=-m gemini-2.5-flash',
    '-e', 'GEMINI_API_KEY=mock-key-for-the-test', '-e', `GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:${mock.port}`,
    '-e', `AGENTGATE_HEALTH_PORT=${await freePort()}`, '-e', 'AGENTGATE_BACKOFF_INITIAL_MS=200',
    ...extra, AGENTS_IMAGE,
  ]);
  expect(r.status, r.stderr).toBe(0);
  return container;
}

describe.skipIf(!reachable)('the real Gemini CLI in an image built with AGENTS=...gemini, against a mock of the Gemini API', () => {
  beforeAll(async () => {
    await mock.start();
    await ensureAgentsImage();
  }, 1_600_000);

  it('with a key but no auth method chosen, waits at its auth dialog and the supervisor says it needs a login', async () => {
    const container = await runGemini('gemini-login', geminiState(false));
    await waitFor(() => screen(container).includes('How would you like to authenticate'), 'the auth dialog', 60_000, () => screen(container));
    expect(readyz(container).needsLogin).toBe(true);
    expect(logEvents(container, 'needs login')).toHaveLength(1);
  });

  it('runs a turn with its first prompt, counts as logged in, and continues the chat after a kill', async () => {
    const container = await runGemini('gemini-turn', geminiState(true), ['-e', 'AGENTGATE_PROMPT=-x first prompt from agentgate']);
    await waitFor(() => mock.turns().some((texts) => texts.includes('-x first prompt from agentgate')), 'the first prompt at the mock', 90_000, () => screen(container));
    await waitFor(() => screen(container).includes('hello from the mock model'), 'the reply on screen', 30_000, () => screen(container));
    expect(readyz(container).needsLogin).toBe(false);

    const pid = readyz(container).agentPid as number;
    expect(exec(container, ['kill', '-KILL', String(pid)]).status).toBe(0);
    await waitFor(() => logEvents(container, 'resuming the conversation').some((e) => e.args === '--resume latest'), 'a resumed start', 30_000);
    await waitFor(() => readyz(container).agentPid !== pid && screen(container).includes('Type your message'), 'the resumed CLI ready', 60_000, () => screen(container));
    await submit(container, 'a second message'); // an Enter pressed while the resumed CLI settles is lost: submit presses again
    // The resumed chat sends the first turn along with the second.
    const last = mock.turns().at(-1) ?? [];
    expect(last).toContain('-x first prompt from agentgate');
    expect(last).toContain('a second message');
    expect(logEvents(container, 'first prompt given')).toHaveLength(1);
  });

  it('reports turns through the hooks of its system settings, which the user and the workspace cannot switch off, and its permission prompt through its Notification hook', async () => {
    // Both try to switch hooks off: the user's settings and the workspace's .gemini/settings.json.
    const off = { hooksConfig: { enabled: false } };
    const ws = made.workspace();
    mkdirSync(join(ws, '.gemini'));
    writeFileSync(join(ws, '.gemini', 'settings.json'), JSON.stringify(off));
    for (const path of [join(ws, '.gemini'), join(ws, '.gemini', 'settings.json')]) chownSync(path, 1000, 1000);
    const container = await runGemini('gemini-hooks', geminiState(true, off), [], ws);
    // Its SessionStart hook: the CLI is up (before it, the screen said working).
    await waitFor(() => stateChanges(container).includes('waiting SessionStart'), 'waiting, caused by SessionStart', 90_000, () => `${stateChanges(container)}\n${screen(container)}`);
    await waitFor(() => screen(container).includes('Type your message'), 'its input box', 30_000, () => screen(container));

    await submit(container, 'hello there');
    await waitFor(() => stateChanges(container).includes('waiting AfterAgent'), 'waiting, caused by AfterAgent', 60_000, () => `${stateChanges(container)}\n${screen(container)}`);

    // Its permission prompt: observed by the Notification hook (it cannot be answered there), answered at the terminal.
    await submit(container, 'please run a command');
    await waitFor(() => stateChanges(container).includes('permission Notification tool_permission'), 'permission, from its Notification hook', 60_000, () => `${stateChanges(container)}\n${screen(container)}`);
    await waitFor(() => screen(container).includes('Allow once'), 'its permission dialog', 30_000, () => screen(container));
    exec(container, ['tmux', 'send-keys', '-t', 'agent', 'Enter']); // "Allow once", the highlighted choice
    await waitFor(() => stateChanges(container).filter((c) => c === 'waiting AfterAgent').length === 2, 'the turn ended', 60_000, () => `${stateChanges(container)}\n${screen(container)}`);
    const changes = stateChanges(container);
    expect(changes.slice(changes.indexOf('working BeforeAgent'))).toEqual([
      'working BeforeAgent', 'waiting AfterAgent',
      'working BeforeAgent', 'permission Notification tool_permission', 'working AfterTool', 'waiting AfterAgent',
    ]);
    expect(readyz(container).decisions ?? []).toEqual([]); // observed only: nothing held
  });
});
