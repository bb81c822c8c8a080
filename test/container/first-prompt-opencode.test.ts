import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screen } from '../helpers/agent-tui.js';
import { AGENTS_IMAGE, ensureAgentsImage } from '../helpers/agents-image.js';
import { TestContainers, exec, logEvents, requireEngine } from '../helpers/containers.js';
import { HARDENING, docker } from '../helpers/docker.js';
import { MockChatCompletions } from '../helpers/mock-chat-completions.js';
import { opencodeState } from '../helpers/opencode-state.js';
import { freePort } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

const reachable = requireEngine();
const made = new TestContainers();
const mock = new MockChatCompletions();
const PROMPT = 'the first prompt, its typing lost';
afterAll(async () => {
  await mock.close();
  made.cleanup();
});

/**
 * What a loaded machine did once (load ~10): the typing went nowhere (typed before OpenCode's input took keys) and
 * its three Enters met an empty input, on a screen that then stayed still, so the rule "typed again once the screen
 * changes" never typed it again. Here the test loses the typing itself, deterministically: the moment the typed
 * prompt shows in OpenCode's input (before the supervisor's Enter, which waits for 1 s of still screen), it
 * deletes it with Backspaces, once. What follows is the same: an empty input, three Enters, a still start screen.
 */
async function loseTheTypingOnce(container: string): Promise<void> {
  await waitFor(() => screen(container).includes(PROMPT), 'the prompt typed into the input', 180_000, () => screen(container));
  exec(container, ['tmux', 'send-keys', '-t', 'agent', '-N', String(PROMPT.length + 10), 'BSpace']);
}

describe.skipIf(!reachable)('the first prompt into the real OpenCode, its typing lost', () => {
  beforeAll(async () => {
    await mock.start();
    await ensureAgentsImage();
  }, 1_600_000);

  it('types it again once the Enters did not submit it and its start screen shows its input empty; given once', async () => {
    const container = made.name('opencode-first-prompt-lost');
    const hostNet = HARDENING.filter((f, i, all) => f !== '--network' && all[i - 1] !== '--network');
    const run = docker([
      'run', '-d', '--name', container, ...hostNet, '--network', 'host',
      '-v', `${made.workspace()}:/workspace`, '-v', `${opencodeState(made, mock.port)}:/home/agentgate/.claude`,
      '-e', 'AGENTGATE_AGENT=opencode', '-e', 'OPENCODE_DISABLE_MODELS_FETCH=true', '-e', `AGENTGATE_PROMPT=${PROMPT}`,
      '-e', `AGENTGATE_HEALTH_PORT=${await freePort()}`, AGENTS_IMAGE,
    ]);
    expect(run.status, run.stderr).toBe(0);
    await loseTheTypingOnce(container);
    const seen = () => `${docker(['logs', container]).stdout.slice(-4000)}\n${screen(container)}`;
    // The typing went nowhere: three Enters, no turn.
    await waitFor(() => logEvents(container, 'first prompt not taken').length > 0, 'the prompt not taken', 120_000, seen);
    expect(mock.turns().some((texts) => texts.includes(PROMPT))).toBe(false);
    // Its start screen, still, shows the input empty: typed again, and taken this time.
    await waitFor(() => mock.turns().some((texts) => texts.includes(PROMPT)), 'the prompt at the mock', 60_000, seen);
    await waitFor(() => logEvents(container, 'first prompt given').length === 1, 'the first prompt given', 30_000, seen);
    expect(logEvents(container, 'first prompt lost')).toHaveLength(1);
    await waitFor(() => screen(container).includes('hello from the mock model'), 'the reply on screen', 30_000, seen);
    // Once: no request carries it in two user messages.
    for (const texts of mock.turns()) expect(texts.filter((t) => t.includes(PROMPT)).length).toBeLessThanOrEqual(1);
  });
});
