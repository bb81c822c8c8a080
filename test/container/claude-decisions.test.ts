import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestContainers, exec, logEvents, requireEngine } from '../helpers/containers.js';
import { docker } from '../helpers/docker.js';
import { runClaudeAsking, toolResults as toolResults_ } from '../helpers/claude-asking.js';
import { MockAnthropic } from '../helpers/mock-anthropic.js';
import { waitFor } from '../helpers/wait-for.js';
import { assertNoAutoModeOffer } from '../helpers/auto-mode-offer.js';

// Issue 20 against the real claude: its PermissionRequest hook held as a pending decision; the answer made
// outside the agent decides the tool call with no dialog answered.
const reachable = requireEngine();
const made = new TestContainers();
const mock = new MockAnthropic();
const TOKEN = 'answer-token-for-the-claude-test-0123456789';
afterAll(() => {
  mock.stop();
  made.cleanup();
});

const runClaude = async (label: string) => ({ container: await runClaudeAsking(made, mock, TOKEN, label) });

/** What `agentgate approve|deny` prints, run as the host command runs it: root, the token in its environment. */
function answerAsRoot(container: string, args: string[]) {
  return docker(['exec', '-u', '0', '-e', `AGENTGATE_ANSWER_TOKEN=${TOKEN}`, container, 'agentgate', ...args]);
}

const toolResults = () => toolResults_(mock);

describe.skipIf(!reachable)('the real claude asks; the answer comes from outside', () => {
  beforeAll(() => mock.start());

  it('approve runs the tool with no dialog answered, and the model gets its result', async () => {
    const { container } = await runClaude('claude-decide');
    const screen = () => exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;
    const pendingNow = () => JSON.parse(exec(container, ['agentgate', 'health', '--json']).stdout).decisions ?? [];
    const [decision] = await waitFor(() => (assertNoAutoModeOffer(container), pendingNow().length === 1 ? pendingNow() : undefined), 'a pending decision', 90_000, screen);
    expect(decision).toMatchObject({ tool: 'Bash', summary: 'touch /workspace/made-by-the-tool' });
    const approved = answerAsRoot(container, ['approve']);
    expect(approved.stdout, approved.stderr).toBe(`allowed ${decision.id} (Bash)\n`);
    await waitFor(() => exec(container, ['test', '-e', '/workspace/made-by-the-tool']).status === 0, 'the tool to run', 60_000, screen);
    await waitFor(() => toolResults().length > 0, 'the model to get the tool result', 60_000, screen);
    expect(logEvents(container, 'decision closed')).toMatchObject([{ id: decision.id, outcome: 'allow', by: 'container cli' }]);

  });

  it('deny with a message reaches the model as the tool error, and the tool does not run', async () => {
    // A fresh session: after a first turn Claude asks "Make auto mode your default permission mode?", a dialog
    // no decision covers, and a prompt typed then would go into that dialog.
    const before = toolResults().length;
    const { container } = await runClaude('claude-deny');
    const screen = () => exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;
    const pendingNow = () => JSON.parse(exec(container, ['agentgate', 'health', '--json']).stdout).decisions ?? [];
    const [decision] = await waitFor(() => (assertNoAutoModeOffer(container), pendingNow().length === 1 ? pendingNow() : undefined), 'a pending decision', 90_000, screen);
    const denied = answerAsRoot(container, ['deny', decision.id, '--message', 'not now: the build is running']);
    expect(denied.status, denied.stderr).toBe(0);
    await waitFor(() => toolResults().length > before, 'the model to get the denial', 60_000, screen);
    expect(JSON.stringify(toolResults().slice(before))).toContain('not now: the build is running');
    expect(exec(container, ['test', '-e', '/workspace/made-by-the-tool']).status).not.toBe(0);
    expect(logEvents(container, 'decision closed')).toMatchObject([{ id: decision.id, outcome: 'deny', by: 'container cli', hasMessage: true }]);
  });
});
