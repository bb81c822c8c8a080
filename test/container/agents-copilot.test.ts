import { chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENTS_IMAGE, ensureAgentsImage } from '../helpers/agents-image.js';
import { TestContainers, exec, logEvents, readyz, requireEngine } from '../helpers/containers.js';
import { HARDENING, docker } from '../helpers/docker.js';
import { MockChatCompletions } from '../helpers/mock-chat-completions.js';
import { freePort } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
const mock = new MockChatCompletions();
afterAll(async () => {
  await mock.close();
  made.cleanup();
});

/** A state dir whose COPILOT_HOME trusts the workspace, as once answering its folder-trust dialog leaves it. */
function copilotState(): string {
  const state = mkdtempSync(join(tmpdir(), 'agentgate-copilot-state-'));
  made.track(state);
  mkdirSync(join(state, 'copilot'));
  writeFileSync(join(state, 'copilot', 'config.json'), JSON.stringify({ trustedFolders: ['/workspace'] }));
  for (const path of [state, join(state, 'copilot'), join(state, 'copilot', 'config.json')]) chownSync(path, 1000, 1000);
  return state;
}

const screen = (container: string) => exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;
const stateChanges = (container: string) => logEvents(container, 'agent state').map((e) => `${e.state} ${e.cause}`);
/** Copilot wraps the user's words in context of its own: a turn's texts are searched, not compared. */
const carries = (texts: string[], words: string) => texts.some((text) => text.includes(words));

/** Types a line once its input shows, and presses Enter until the line reaches the mock. */
async function submit(container: string, text: string): Promise<void> {
  const submitted = () => mock.turns().some((texts) => carries(texts, text));
  exec(container, ['tmux', 'send-keys', '-t', 'agent', '-l', text]);
  await waitFor(() => screen(container).includes(text), `"${text}" typed`, 10_000, () => screen(container));
  for (let enters = 0; !submitted(); enters += 1) {
    expect(enters, `"${text}" not submitted; the screen:\n${screen(container)}`).toBeLessThan(3);
    exec(container, ['tmux', 'send-keys', '-t', 'agent', 'Enter']);
    await waitFor(submitted, `"${text}" at the mock`, 10_000).catch(() => undefined);
  }
}

describe.skipIf(!reachable)('the real Copilot CLI in an image built with AGENTS=...copilot, against a mock of a Chat Completions API', () => {
  beforeAll(async () => {
    await mock.start();
    await ensureAgentsImage();
  }, 1_600_000);

  it('starts on the hardened root (its unpacked package in the state volume), runs a turn through COPILOT_PROVIDER_BASE_URL, and continues the session after a kill', async () => {
    const container = made.name('copilot-turn');
    const hostNet = HARDENING.filter((f, i, all) => f !== '--network' && all[i - 1] !== '--network');
    const r = docker([
      'run', '-d', '--name', container, ...hostNet, '--network', 'host',
      '-v', `${made.workspace()}:/workspace`, '-v', `${copilotState()}:/home/agentgate/.claude`,
      // Its documented custom provider: an OpenAI-compatible API, its key, a model it does not know.
      '-e', 'AGENTGATE_AGENT=copilot', '-e', `COPILOT_PROVIDER_BASE_URL=http://127.0.0.1:${mock.port}/v1`,
      '-e', 'COPILOT_PROVIDER_API_KEY=mock-key-not-secret-really', '-e', 'COPILOT_MODEL=mock-model',
      '-e', `AGENTGATE_HEALTH_PORT=${await freePort()}`, '-e', 'AGENTGATE_BACKOFF_INITIAL_MS=200', '-e', 'AGENTGATE_IDLE_MS=3000',
      AGENTS_IMAGE,
    ]);
    expect(r.status, r.stderr).toBe(0);
    await waitFor(() => screen(container).includes('/ commands') && readyz(container).agentState?.state === 'idle', 'its input, and the state idle', 120_000, () => `${docker(['logs', container]).stdout.slice(-3000)}\n${screen(container)}`);
    expect(readyz(container).needsLogin).toBe(false); // a provider of its own needs no GitHub login
    await submit(container, 'the first message');
    await waitFor(() => screen(container).includes('hello from the mock model'), 'the reply on screen', 30_000, () => screen(container));
    // Its state from its screen alone: working while it draws, idle once still.
    await waitFor(() => readyz(container).agentState?.state === 'idle', 'idle after the turn', 30_000, () => `${stateChanges(container)}`);
    expect(stateChanges(container).slice(-2)).toEqual(['working screen active', 'idle screen still']);
    expect(logEvents(container, 'agent exited')).toHaveLength(0);

    // Killed (as by an OOM kill): the supervisor restarts it with --continue, its latest session.
    const pid = readyz(container).agentPid as number;
    expect(exec(container, ['kill', '-KILL', String(pid)]).status).toBe(0);
    await waitFor(() => logEvents(container, 'resuming the conversation').some((e) => e.args === '--continue'), 'a resumed start', 30_000);
    await waitFor(() => readyz(container).agentPid !== pid && screen(container).includes('hello from the mock model'), 'the resumed session on screen', 60_000, () => screen(container));
    await waitFor(() => readyz(container).agentState?.state === 'idle', 'the resumed CLI still', 30_000, () => `${stateChanges(container)}`);
    await submit(container, 'a second message');
    const continued = () => mock.turns().some((texts) => carries(texts, 'a second message') && carries(texts, 'the first message'));
    await waitFor(continued, 'the second turn at the mock, with the first', 60_000, () => `${JSON.stringify(mock.turns())}\n${screen(container)}`);
  });
});
