import { chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
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
const mock = new MockOpenAIResponses();
afterAll(async () => {
  await mock.close();
  made.cleanup();
});

/** A state dir whose CODEX_HOME points Codex at the mock (its documented model_providers.<id>.base_url). */
function codexState(): string {
  const state = mkdtempSync(join(tmpdir(), 'agentgate-codex-state-'));
  made.track(state);
  mkdirSync(join(state, 'codex'));
  writeFileSync(
    join(state, 'codex', 'config.toml'),
    [
      'model = "mock-model"',
      'model_provider = "mock"',
      'check_for_update_on_startup = false',
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
});
