import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveTheToolCall, screen, stateChanges, submitLine } from '../helpers/agent-tui.js';
import { AGENTS_IMAGE, ensureAgentsImage } from '../helpers/agents-image.js';
import { TestContainers, exec, logEvents, readyz, requireEngine } from '../helpers/containers.js';
import { HARDENING, docker, dockerAsync } from '../helpers/docker.js';
import { MockChatCompletions } from '../helpers/mock-chat-completions.js';
import { MockGitHubLogin } from '../helpers/mock-github-login.js';
import { freePort } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
// A turn whose prompt says "please run a command" gets a call of Copilot's bash tool, which it asks for first.
const mock = new MockChatCompletions(undefined, { trigger: 'please run a command', command: 'touch /workspace/made-by-tool' });
const github = new MockGitHubLogin();
const ANSWER_TOKEN = 'answer-token-of-the-copilot-test-0123456789';
afterAll(async () => {
  await mock.close();
  await github.close();
  made.cleanup();
});

/** A state dir whose COPILOT_HOME trusts the workspace, as once answering its folder-trust dialog leaves it. */
function copilotState(trusted = true): string {
  const state = mkdtempSync(join(tmpdir(), 'agentgate-copilot-state-'));
  made.track(state);
  mkdirSync(join(state, 'copilot'));
  writeFileSync(join(state, 'copilot', 'config.json'), JSON.stringify(trusted ? { trustedFolders: ['/workspace'] } : {}));
  // With no keychain (none in the container), a login is stored in config.json only with this setting, or after
  // /login asks; `copilot login --with-token` does not ask.
  writeFileSync(join(state, 'copilot', 'settings.json'), JSON.stringify({ storeTokenPlaintext: true }));
  for (const path of [state, join(state, 'copilot'), join(state, 'copilot', 'config.json'), join(state, 'copilot', 'settings.json')]) chownSync(path, 1000, 1000);
  return state;
}

/** Its documented custom provider: an OpenAI-compatible API, its key, a model it does not know. */
const PROVIDER = () => ['-e', `COPILOT_PROVIDER_BASE_URL=http://127.0.0.1:${mock.port}/v1`, '-e', 'COPILOT_PROVIDER_API_KEY=mock-key-not-secret-really', '-e', 'COPILOT_MODEL=mock-model'];

/** Copilot wraps the user's words in context of its own: a turn's texts are searched, not compared. */
const carries = (texts: string[], words: string) => texts.some((text) => text.includes(words));
const submit = (container: string, text: string) => submitLine(container, text, () => mock.turns().some((texts) => carries(texts, text)));
const answer = (container: string, args: string[]) => docker(['exec', '-u', '0', '-e', `AGENTGATE_ANSWER_TOKEN=${ANSWER_TOKEN}`, container, 'agentgate', ...args]);

async function runCopilot(name: string, ws: string, credential = PROVIDER(), extra: string[] = []): Promise<string> {
  const container = made.name(name);
  const hostNet = HARDENING.filter((f, i, all) => f !== '--network' && all[i - 1] !== '--network');
  const r = docker([
    'run', '-d', '--name', container, ...hostNet, '--network', 'host',
    '-v', `${ws}:/workspace`, '-v', `${copilotState()}:/home/agentgate/.claude`,
    '-e', 'AGENTGATE_AGENT=copilot', ...credential, ...extra,
    '-e', `AGENTGATE_ANSWER_TOKEN_SHA256=${createHash('sha256').update(ANSWER_TOKEN).digest('hex')}`,
    '-e', `AGENTGATE_HEALTH_PORT=${await freePort()}`, '-e', 'AGENTGATE_BACKOFF_INITIAL_MS=200', '-e', 'AGENTGATE_IDLE_MS=3000',
    AGENTS_IMAGE,
  ]);
  expect(r.status, r.stderr).toBe(0);
  await waitFor(() => screen(container).includes('/ commands'), 'its input', 120_000, () => `${docker(['logs', container]).stdout.slice(-3000)}\n${screen(container)}`);
  return container;
}

describe.skipIf(!reachable)('the real Copilot CLI in an image built with AGENTS=...copilot, against a mock of a Chat Completions API', () => {
  beforeAll(async () => {
    await mock.start();
    await github.start();
    await ensureAgentsImage();
  }, 1_600_000);

  it('starts on the hardened root (its unpacked package in the state volume), reports turns through its hooks, and continues the session after a kill', async () => {
    const container = await runCopilot('copilot-turn', made.workspace());
    expect(readyz(container).needsLogin).toBe(false); // a provider of its own needs no GitHub login
    await submit(container, 'the first message');
    await waitFor(() => screen(container).includes('hello from the mock model'), 'the reply on screen', 30_000, () => screen(container));
    // Its turn's end from the hooks the image installs in COPILOT_HOME/hooks (a still screen would say `idle screen
    // still`); its start from its screen, as for Codex: its SessionStart comes only with the first prompt.
    await waitFor(() => stateChanges(container).includes('waiting Stop'), 'waiting, caused by its Stop hook', 30_000, () => `${stateChanges(container)}`);
    expect(stateChanges(container).at(-1)).toBe('waiting Stop');
    expect(readyz(container).agentState.state).toBe('waiting');
    expect(logEvents(container, 'agent exited')).toHaveLength(0);

    // Killed (as by an OOM kill): the supervisor restarts it with --continue, its latest session.
    const pid = readyz(container).agentPid as number;
    expect(exec(container, ['kill', '-KILL', String(pid)]).status).toBe(0);
    await waitFor(() => logEvents(container, 'resuming the conversation').some((e) => e.args === '--continue'), 'a resumed start', 30_000);
    await waitFor(() => readyz(container).agentPid !== pid && screen(container).includes('hello from the mock model'), 'the resumed session on screen', 60_000, () => screen(container));
    await submit(container, 'a second message');
    const continued = () => mock.turns().some((texts) => carries(texts, 'a second message') && carries(texts, 'the first message'));
    await waitFor(continued, 'the second turn at the mock, with the first', 60_000, () => `${JSON.stringify(mock.turns())}\n${screen(container)}`);
    await waitFor(() => stateChanges(container).filter((c) => c === 'waiting Stop').length === 2, 'the second turn ended', 60_000, () => `${stateChanges(container)}`);
  });

  it('holds its permissionRequest hook as a pending decision, answered allow and deny', async () => {
    const ws = made.workspace();
    const container = await runCopilot('copilot-decisions', ws);
    await approveTheToolCall(container, ws, submit, answer);

    // A deny: the command does not run, and its message reaches the model as the tool's result.
    await submit(container, 'please run a command, again');
    await waitFor(() => (readyz(container).decisions ?? []).length === 1, 'a second pending decision', 60_000, () => `${stateChanges(container)}\n${screen(container)}`);
    const [second] = readyz(container).decisions;
    const denied = answer(container, ['deny', second.id, '--message', 'not now: the build is running']);
    expect(denied.stdout, denied.stderr).toBe(`denied ${second.id} (bash)\n`);
    await waitFor(() => mock.toolResults().some((result) => result.includes('not now: the build is running')), 'the deny message at the model', 30_000, () => screen(container));
    await waitFor(() => stateChanges(container).filter((c) => c === 'waiting Stop').length === 2, 'the turn ended', 60_000, () => `${stateChanges(container)}\n${screen(container)}`);
  });

  // The image's hooks are policy hooks, which Copilot runs fail-closed: a decision that closes unanswered prints
  // nothing, and Copilot goes on to its own dialog (as docs/agents/copilot.md says), not to a refusal.
  it('shows its own permission dialog once a decision closes unanswered, and the terminal answers it', async () => {
    const ws = made.workspace();
    const container = await runCopilot('copilot-expired', ws, PROVIDER(), ['-e', 'AGENTGATE_DECISION_WAIT_MS=3000']);
    const seen = () => `${stateChanges(container)}\n${screen(container)}`;
    // Words of its own: the mock is shared with the other tests, and submit waits for these at the mock.
    await submit(container, 'please run a command, left unanswered');
    await waitFor(() => logEvents(container, 'decision closed').some((e) => e.outcome === 'expired'), 'the decision expired', 60_000, seen);
    await waitFor(() => screen(container).includes('Do you want to run this command?'), 'its own dialog', 30_000, seen);
    expect(existsSync(join(ws, 'made-by-tool'))).toBe(false);
    exec(container, ['tmux', 'send-keys', '-t', 'agent', 'Enter']); // "1. Yes", selected first
    await waitFor(() => existsSync(join(ws, 'made-by-tool')), 'the command run once answered at the terminal', 30_000, seen);
    await waitFor(() => stateChanges(container).includes('waiting Stop'), 'the turn ended', 60_000, seen);
  });

  it('needs a login with no token, provider or stored login (the hint in /readyz and the log), and not once the real CLI stored one', async () => {
    const container = await runCopilot('copilot-login', made.workspace(), []);
    await waitFor(() => screen(container).includes('Please use /login'), 'its own word that it needs a login', 30_000, () => screen(container));
    expect(readyz(container)).toMatchObject({ needsLogin: true, loginHint: expect.stringContaining('/login') });
    expect(logEvents(container, 'needs login')).toMatchObject([{ hint: expect.stringContaining('run /login') }]);

    // The real CLI signs in against a GitHub host of the test's own (on loopback) and stores its login as it does
    // with no keychain: the supervisor then sees one, as the CLI itself would at its next start.
    // Asynchronously: the mock answers from this process, which a synchronous docker exec would block.
    const login = await dockerAsync(['exec', '-u', 'agentgate', '-e', 'COPILOT_HOME=/home/agentgate/.claude/copilot', '-e', 'XDG_CACHE_HOME=/home/agentgate/.claude/copilot/cache',
      '-e', 'COPILOT_AUTO_UPDATE=false', container, 'sh', '-c', `echo gho_mock_token_of_the_test | copilot login --with-token --host ${github.host}`], { timeoutMs: 120_000 });
    expect(login.stdout + login.stderr).toContain(`Signed in successfully as mock-user (${github.host})`);
    expect(github.requests).toContain('/copilot_internal/user');
    expect(readyz(container)).toMatchObject({ needsLogin: false, loginHint: null });
  });

  // Copilot reads `disableAllHooks` from a repository's settings too, and it switches off user-level hooks; the
  // image's hooks are a policy file (/etc/github-copilot/policy.d), which it does not switch off.
  it("keeps its hooks on in a repository whose settings say disableAllHooks: turns and permission requests still reported", async () => {
    const ws = made.workspace();
    mkdirSync(join(ws, '.github', 'copilot'), { recursive: true });
    writeFileSync(join(ws, '.github', 'copilot', 'settings.json'), JSON.stringify({ disableAllHooks: true }));
    for (const path of [join(ws, '.github'), join(ws, '.github', 'copilot'), join(ws, '.github', 'copilot', 'settings.json')]) chownSync(path, 1000, 1000);
    const container = await runCopilot('copilot-no-hooks', ws);
    const seen = () => `${stateChanges(container)}\n${screen(container)}`;
    // Words of its own: the mock is shared with the tests above.
    await submit(container, 'a message where hooks are off');
    await waitFor(() => stateChanges(container).includes('waiting Stop'), 'waiting, caused by its Stop hook', 60_000, seen);
    await submit(container, 'please run a command where hooks are off');
    await waitFor(() => (readyz(container).decisions ?? []).length === 1, 'a pending decision', 60_000, seen);
    expect(readyz(container).agentState.state).toBe('permission');
    const approved = answer(container, ['approve']);
    expect(approved.stderr).toBe('');
    await waitFor(() => existsSync(join(ws, 'made-by-tool')), 'the approved command run', 30_000, () => screen(container));
    await waitFor(() => stateChanges(container).filter((c) => c === 'waiting Stop').length === 2, 'the turn ended', 60_000, seen);
  });
  // Copilot asks whether to trust the workspace folder at its first start there; Enter picks "1. Yes". A first prompt
  // typed into that dialog was lost (and counted as given), and its Enter answered the dialog for the user.
  it('types a first prompt that starts with "-" only once its folder-trust dialog is answered, given once Copilot takes it', async () => {
    const container = made.name('copilot-prompt');
    const prompt = '-x first prompt of copilot, past its trust dialog';
    const hostNet = HARDENING.filter((f, i, all) => f !== '--network' && all[i - 1] !== '--network');
    const r = docker(['run', '-d', '--name', container, ...hostNet, '--network', 'host', '-v', `${made.workspace()}:/workspace`, '-v', `${copilotState(false)}:/home/agentgate/.claude`,
      '-e', 'AGENTGATE_AGENT=copilot', ...PROVIDER(), '-e', `AGENTGATE_PROMPT=${prompt}`, '-e', `AGENTGATE_HEALTH_PORT=${await freePort()}`, AGENTS_IMAGE]);
    expect(r.status, r.stderr).toBe(0);
    const seen = () => `${docker(['logs', container]).stdout.slice(-3000)}\n${screen(container)}`;
    // Held while its input is not drawn yet (then no dialog is named), then by the dialog.
    const held = () => logEvents(container, 'first prompt waits').filter((e) => e.dialog !== undefined);
    await waitFor(() => held().length > 0, 'the prompt held by the dialog', 120_000, seen);
    expect(held()).toMatchObject([{ dialog: 'Do you trust the files in this folder?', hint: 'attach and answer it' }]);
    // Not answered for the user: the dialog stays until someone does, and nothing reached the model.
    expect(screen(container)).toContain('Confirm folder trust');
    expect(mock.turns().some((texts) => carries(texts, prompt))).toBe(false);

    // Answered at the terminal ("1. Yes", selected first): the prompt is typed then, once, and taken.
    exec(container, ['tmux', 'send-keys', '-t', 'agent', 'Enter']);
    await waitFor(() => mock.turns().some((texts) => carries(texts, prompt)), 'the first prompt at the mock', 60_000, seen);
    await waitFor(() => logEvents(container, 'first prompt given').length === 1, 'the prompt given, from its UserPromptSubmit hook', 30_000, seen);
    // Copilot drops its input when the dialog comes: a prompt pasted before it is pasted again, once it is answered.
    expect(logEvents(container, 'first prompt typed').length).toBeGreaterThanOrEqual(1);
    const turn = mock.turns().find((texts) => carries(texts, prompt)) ?? [];
    expect(turn.join('\n').split(prompt).length - 1, `the prompt typed once: ${JSON.stringify(turn)}\n${seen()}`).toBe(1);
    expect(docker(['logs', container]).stdout).not.toContain(prompt);
  });
});
