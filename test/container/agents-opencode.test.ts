import { createHash } from 'node:crypto';
import { chownSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveTheToolCall, screen, stateChanges, submitLine } from '../helpers/agent-tui.js';
import { AGENTS_IMAGE, ensureAgentsImage } from '../helpers/agents-image.js';
import { TestContainers, exec, logEvents, readyz, requireEngine } from '../helpers/containers.js';
import { HARDENING, docker } from '../helpers/docker.js';
import { MockChatCompletions } from '../helpers/mock-chat-completions.js';
import { opencodeState } from '../helpers/opencode-state.js';
import { freePort } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
// A turn whose prompt says "please run a command" gets a call of OpenCode's bash tool, which asks first (the config's permission).
const mock = new MockChatCompletions(undefined, { trigger: 'please run a command', command: 'touch /workspace/made-by-tool' });
const ANSWER_TOKEN = 'answer-token-of-the-opencode-test-0123456789';
afterAll(async () => {
  await mock.close();
  made.cleanup();
});

const turnsWith = (words: string) => () => mock.turns().some((texts) => texts.includes(words));
const submit = (container: string, text: string) => submitLine(container, text, turnsWith(text));

async function runOpencode(name: string, state: string, ws: string, env: string[] = []): Promise<string> {
  const container = made.name(name);
  const hostNet = HARDENING.filter((f, i, all) => f !== '--network' && all[i - 1] !== '--network');
  const r = docker([
    'run', '-d', '--name', container, ...hostNet, '--network', 'host',
    '-v', `${ws}:/workspace`, '-v', `${state}:/home/agentgate/.claude`,
    // No models.dev catalogue: the container has no route out, and the mock's model is in the config.
    '-e', 'AGENTGATE_AGENT=opencode', '-e', 'OPENCODE_DISABLE_MODELS_FETCH=true',
    '-e', `AGENTGATE_ANSWER_TOKEN_SHA256=${createHash('sha256').update(ANSWER_TOKEN).digest('hex')}`,
    '-e', `AGENTGATE_HEALTH_PORT=${await freePort()}`, '-e', 'AGENTGATE_BACKOFF_INITIAL_MS=200', '-e', 'AGENTGATE_IDLE_MS=3000',
    ...env, AGENTS_IMAGE,
  ]);
  expect(r.status, r.stderr).toBe(0);
  return container;
}

const answer = (container: string, args: string[]) => docker(['exec', '-u', '0', '-e', `AGENTGATE_ANSWER_TOKEN=${ANSWER_TOKEN}`, container, 'agentgate', ...args]);

describe.skipIf(!reachable)('the real OpenCode in an image built with AGENTS=...opencode, against a mock of a Chat Completions API', () => {
  beforeAll(async () => {
    await mock.start();
    await ensureAgentsImage();
  }, 1_600_000);

  it('types its first prompt once its plugin says it is up, reports turns from its own events, and continues the session after a kill', async () => {
    const container = await runOpencode('opencode-turn', opencodeState(made, mock.port, { askBash: true }), made.workspace(), ['-e', 'AGENTGATE_PROMPT=-x first prompt from agentgate']);
    // The first prompt, typed once the plugin's SessionStart came and the screen settled: it reaches the model.
    await waitFor(turnsWith('-x first prompt from agentgate'), 'the first prompt at the mock', 90_000, () => `${docker(['logs', container]).stdout.slice(-3000)}\n${screen(container)}`);
    await waitFor(() => logEvents(container, 'first prompt given').length === 1, 'the first prompt given', 30_000, () => `${stateChanges(container)}`);
    await waitFor(() => screen(container).includes('hello from the mock model'), 'the reply on screen', 30_000, () => screen(container));
    // Its state from its plugin's events: up (SessionStart), a session busy, all idle again.
    await waitFor(() => stateChanges(container).includes('waiting Stop'), 'waiting, caused by the plugin', 30_000, () => `${stateChanges(container)}`);
    expect(stateChanges(container)).toEqual(['starting agent started', 'waiting SessionStart', 'working UserPromptSubmit', 'waiting Stop']);
    expect(logEvents(container, 'agent exited')).toHaveLength(0);
    expect(readyz(container).needsLogin).toBeNull(); // a provider of its own in its config: a login it cannot tell

    await submit(container, 'the second message');
    await waitFor(() => stateChanges(container).filter((c) => c === 'waiting Stop').length === 2, 'the second turn ended', 60_000, () => `${stateChanges(container)}`);

    // Killed (as by an OOM kill): the supervisor restarts it with --continue, the latest session.
    const pid = readyz(container).agentPid as number;
    expect(exec(container, ['kill', '-KILL', String(pid)]).status).toBe(0);
    await waitFor(() => logEvents(container, 'resuming the conversation').some((e) => e.args === '--continue'), 'a resumed start', 30_000);
    await waitFor(() => readyz(container).agentPid !== pid && screen(container).includes('hello from the mock model'), 'the resumed session on screen', 60_000, () => screen(container));
    await waitFor(() => readyz(container).agentState?.state === 'waiting', 'the resumed OpenCode up', 30_000, () => `${stateChanges(container)}`);
    await submit(container, 'a third message');
    // The continued session sends the earlier turns along (its title request sends the new one alone).
    const continued = () => mock.turns().some((texts) => texts.includes('a third message') && texts.includes('the second message'));
    await waitFor(continued, 'the third turn at the mock, with the second', 60_000, () => `${JSON.stringify(mock.turns())}\n${screen(container)}`);
    expect(logEvents(container, 'first prompt given')).toHaveLength(1);
  });

  it('holds a permission request as a pending decision, answered allow and deny through its server API, whatever the repository configures', async () => {
    const ws = made.workspace();
    // The repository's own config lists no plugins: the one in its global plugin dir still loads.
    writeFileSync(join(ws, 'opencode.json'), JSON.stringify({ plugin: [] }));
    chownSync(join(ws, 'opencode.json'), 1000, 1000);
    const container = await runOpencode('opencode-decisions', opencodeState(made, mock.port, { askBash: true }), ws);
    await waitFor(() => readyz(container).agentState?.state === 'waiting' && screen(container).includes('Ask anything'), 'its input, and the state waiting', 90_000, () => `${docker(['logs', container]).stdout.slice(-3000)}\n${screen(container)}`);

    await approveTheToolCall(container, ws, submit, answer);

    // A deny: the command does not run again, and the model hears of the refusal.
    const before = mock.toolResults().length;
    await submit(container, 'please run a command, again');
    await waitFor(() => (readyz(container).decisions ?? []).length === 1, 'a second pending decision', 60_000, () => `${stateChanges(container)}\n${screen(container)}`);
    const [second] = readyz(container).decisions;
    const denied = answer(container, ['deny', second.id, '--message', 'not now: the build is running']);
    expect(denied.stdout, denied.stderr).toBe(`denied ${second.id} (bash)\n`);
    await waitFor(() => logEvents(container, 'decision closed').some((e) => e.id === second.id && e.outcome === 'deny'), 'the deny closed', 30_000);
    await waitFor(() => mock.toolResults().length > before || stateChanges(container).filter((c) => c === 'waiting Stop').length === 2, 'the turn went on or ended', 60_000, () => `${stateChanges(container)}\n${screen(container)}`);
    expect(readyz(container).decisions ?? []).toHaveLength(0);
  });
});
