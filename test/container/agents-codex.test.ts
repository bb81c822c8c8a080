import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_IMAGE, ensureAgentsImage } from '../helpers/agents-image.js';
import { TestContainers, exec, logEvents, readyz, requireEngine } from '../helpers/containers.js';
import { HARDENING, docker } from '../helpers/docker.js';
import { MockOpenAIResponses } from '../helpers/mock-openai-responses.js';
import { freePort } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
// A prompt starting "please run a command" gets a call of Codex's exec_command tool that asks to leave the sandbox.
const mock = new MockOpenAIResponses(undefined, { trigger: 'please run a command', command: 'touch /workspace/made-by-tool', justification: 'the test needs the file' });
const ANSWER_TOKEN = 'answer-token-of-the-codex-test-0123456789';
afterAll(async () => {
  await mock.close();
  made.cleanup();
});

/**
 * A state dir whose CODEX_HOME points Codex at the mock (its documented model_providers.<id>.base_url), with
 * `extra` top-level settings.
 */
function codexState(extra: string[] = []): string {
  const state = mkdtempSync(join(tmpdir(), 'agentgate-codex-state-'));
  made.track(state);
  mkdirSync(join(state, 'codex'));
  writeFileSync(
    join(state, 'codex', 'config.toml'),
    [
      'model = "mock-model"',
      'model_provider = "mock"',
      'check_for_update_on_startup = false',
      ...extra,
      '[model_providers.mock]',
      'name = "mock"',
      `base_url = "http://127.0.0.1:${mock.port}/v1"`,
      'wire_api = "responses"',
      'env_key = "MOCK_API_KEY"',
      '[projects."/workspace"]',
      'trust_level = "trusted"',
      '',
    ].join('\n'),
  );
  for (const path of [state, join(state, 'codex'), join(state, 'codex', 'config.toml')]) chownSync(path, 1000, 1000);
  return state;
}

const screen = (container: string) => exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;
/** The state changes the supervisor logged, as `state cause`. */
const stateChanges = (container: string) => logEvents(container, 'agent state').map((e) => `${e.state} ${e.cause}`);

/** Types a line into Codex and presses Enter, again while it has not reached the mock (a key can be early). */
async function submit(container: string, text: string): Promise<void> {
  exec(container, ['tmux', 'send-keys', '-t', 'agent', '-l', text]);
  for (let enters = 0; !mock.userTexts().includes(text); enters += 1) {
    expect(enters, `"${text}" not submitted; the screen:\n${screen(container)}`).toBeLessThan(3);
    exec(container, ['tmux', 'send-keys', '-t', 'agent', 'Enter']);
    await waitFor(() => mock.userTexts().includes(text), `"${text}" at the mock`, 5000).catch(() => undefined);
  }
}

describe.skipIf(!reachable)('the real Codex CLI in an image built with AGENTS=...codex, against a mock of the Responses API', () => {
  beforeAll(async () => {
    await mock.start();
    await ensureAgentsImage();
  }, 1_600_000);

  it('runs a turn with its first prompt, counts as logged in, and continues the conversation after a kill', async () => {
    const ws = made.workspace();
    const state = codexState();
    const container = made.name('codex-turn');
    const hostNet = HARDENING.filter((f, i, all) => f !== '--network' && all[i - 1] !== '--network');
    const r = docker([
      'run', '-d', '--name', container, ...hostNet, '--network', 'host',
      '-v', `${ws}:/workspace`, '-v', `${state}:/home/agentgate/.claude`,
      '-e', 'AGENTGATE_AGENT=codex', '-e', 'AGENTGATE_PROMPT=-x first prompt from agentgate', '-e', 'MOCK_API_KEY=mock-key-not-secret-really',
      '-e', `AGENTGATE_HEALTH_PORT=${await freePort()}`, '-e', 'AGENTGATE_BACKOFF_INITIAL_MS=200',
      AGENTS_IMAGE,
    ]);
    expect(r.status, r.stderr).toBe(0);
    await waitFor(() => mock.userTexts().includes('-x first prompt from agentgate'), 'the first prompt at the mock', 90_000, () => screen(container));
    await waitFor(() => screen(container).includes('hello from the mock model'), 'the reply on screen', 30_000, () => screen(container));
    expect(readyz(container).needsLogin).toBe(false);
    expect(logEvents(container, 'needs login')).toHaveLength(0);

    // Killed (as by an OOM kill): the supervisor restarts it with `codex resume --last`.
    const pid = readyz(container).agentPid as number;
    expect(exec(container, ['kill', '-KILL', String(pid)]).status).toBe(0);
    await waitFor(() => logEvents(container, 'resuming the conversation').some((e) => e.args === 'resume --last'), 'a resumed start', 30_000);
    await waitFor(() => readyz(container).agentPid !== pid && screen(container).includes('hello from the mock model'), 'the resumed conversation on screen', 60_000, () => screen(container));
    const before = mock.requests.length;
    exec(container, ['tmux', 'send-keys', '-t', 'agent', '-l', 'a second message']);
    exec(container, ['tmux', 'send-keys', '-t', 'agent', 'Enter']);
    await waitFor(() => mock.requests.length > before, 'the second turn at the mock', 60_000, () => screen(container));
    // The resumed session sends the first turn along with the second: the conversation continued.
    const last = JSON.stringify(mock.requests.at(-1)?.body.input ?? []);
    expect(last).toContain('-x first prompt from agentgate');
    expect(last).toContain('a second message');
    // The first prompt was given once: not on the resumed start.
    expect(logEvents(container, 'first prompt given')).toHaveLength(1);
  });

  it('reports turns and permission requests through the hooks of its managed requirements, which the repository and CODEX_HOME cannot switch off', async () => {
    const ws = made.workspace();
    // Both try to switch hooks off: a repository's .codex/config.toml (its folder is trusted) and the user's own config.
    mkdirSync(join(ws, '.codex'));
    writeFileSync(join(ws, '.codex', 'config.toml'), '[features]\nhooks = false\n');
    for (const path of [join(ws, '.codex'), join(ws, '.codex', 'config.toml')]) chownSync(path, 1000, 1000);
    // Codex asks before running a command that leaves the read-only sandbox.
    const state = codexState(['approval_policy = "on-request"', 'sandbox_mode = "read-only"', '[features]', 'hooks = false']);
    const container = made.name('codex-hooks');
    const hostNet = HARDENING.filter((f, i, all) => f !== '--network' && all[i - 1] !== '--network');
    const r = docker([
      'run', '-d', '--name', container, ...hostNet, '--network', 'host',
      '-v', `${ws}:/workspace`, '-v', `${state}:/home/agentgate/.claude`,
      '-e', 'AGENTGATE_AGENT=codex', '-e', 'MOCK_API_KEY=mock-key-not-secret-really',
      '-e', `AGENTGATE_ANSWER_TOKEN_SHA256=${createHash('sha256').update(ANSWER_TOKEN).digest('hex')}`,
      // A short idle time: the screen, not a hook, says when it is ready (`idle`), and the test waits for that.
      '-e', `AGENTGATE_HEALTH_PORT=${await freePort()}`, '-e', 'AGENTGATE_IDLE_MS=3000',
      AGENTS_IMAGE,
    ]);
    expect(r.status, r.stderr).toBe(0);
    await waitFor(() => screen(container).includes('Ask Codex to do anything') && readyz(container).agentState?.state === 'idle', 'its prompt, and the state idle', 90_000, () => screen(container));

    // A turn: waiting from its Stop hook, not from a still screen. (Its typing already made the screen-judged
    // `idle` `working`: Codex fires no hook before its first prompt, so the screen says when it is ready.)
    await submit(container, 'hello there');
    await waitFor(() => stateChanges(container).includes('waiting Stop'), 'waiting, caused by the Stop hook', 60_000, () => `${stateChanges(container)}\n${screen(container)}`);

    // A command outside the sandbox: its PermissionRequest hook is held as a pending decision; approve runs it.
    await submit(container, 'please run a command');
    await waitFor(() => (readyz(container).decisions ?? []).length === 1, 'a pending decision', 60_000, () => `${stateChanges(container)}\n${screen(container)}`);
    const [decision] = readyz(container).decisions;
    expect(decision).toMatchObject({ tool: 'Bash', summary: 'touch /workspace/made-by-tool' });
    expect(readyz(container).agentState.state).toBe('permission');
    expect(existsSync(join(ws, 'made-by-tool'))).toBe(false);
    const approved = docker(['exec', '-u', '0', '-e', `AGENTGATE_ANSWER_TOKEN=${ANSWER_TOKEN}`, container, 'agentgate', 'approve']);
    expect(approved.stdout, approved.stderr).toBe(`allowed ${decision.id} (Bash)\n`);
    await waitFor(() => existsSync(join(ws, 'made-by-tool')), 'the approved command run', 30_000, () => screen(container));
    await waitFor(() => stateChanges(container).filter((c) => c === 'waiting Stop').length === 2, 'the turn ended', 60_000, () => `${stateChanges(container)}\n${screen(container)}`);
    expect(logEvents(container, 'decision closed')).toMatchObject([{ id: decision.id, outcome: 'allow', by: 'container cli' }]);

    // Every change after the first turn came from a hook: the thread that titles each task (its hooks fire too, with
    // no transcript) neither flipped the state nor closed the decision while it was held.
    const changes = stateChanges(container);
    expect(changes.slice(changes.indexOf('waiting Stop'))).toEqual([
      'waiting Stop', 'working UserPromptSubmit', 'permission PermissionRequest', 'working PostToolUse', 'waiting Stop',
    ]);

    // A deny: the command does not run, and its message reaches the model as the tool's output.
    await submit(container, 'please run a command, again');
    await waitFor(() => (readyz(container).decisions ?? []).length === 1, 'a second pending decision', 60_000, () => `${stateChanges(container)}\n${screen(container)}`);
    const [second] = readyz(container).decisions;
    const denied = docker(['exec', '-u', '0', '-e', `AGENTGATE_ANSWER_TOKEN=${ANSWER_TOKEN}`, container, 'agentgate', 'deny', second.id, '--message', 'not now: the build is running']);
    expect(denied.stdout, denied.stderr).toBe(`denied ${second.id} (Bash)\n`);
    await waitFor(() => mock.toolOutputs().some((output) => output.includes('not now: the build is running')), 'the deny message at the model', 30_000, () => screen(container));
    await waitFor(() => stateChanges(container).filter((c) => c === 'waiting Stop').length === 3, 'the turn ended', 60_000, () => `${stateChanges(container)}\n${screen(container)}`);
  });
});
