import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installCli } from '../helpers/agentgate-cli.js';
import { assertNoAutoModeOffer } from '../helpers/auto-mode-offer.js';
import { type RunningBoard, launchChromium, startBoard } from '../helpers/board.js';
import { runClaudeAsking, toolResults as toolResults_ } from '../helpers/claude-asking.js';
import { TestContainers, exec, requireEngine } from '../helpers/containers.js';
import { MockAnthropic } from '../helpers/mock-anthropic.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue 20's end-to-end case: the real claude against the test's mock API asks to run a Bash tool; the board
// in Chromium shows the request; a click decides it. The container carries its answer token as a label, as
// `agentgate up` makes it (the board answers through it), and holds only the token's hash.
const reachable = requireEngine();
const made = new TestContainers();
const mock = new MockAnthropic();
const TOKEN = 'answer-token-for-the-board-claude-test-0123456789';
let board: RunningBoard;
let browser: Browser;
let page: Page;

const runClaude = (label: string) => runClaudeAsking(made, mock, TOKEN, label);
const toolResults = () => toolResults_(mock);

/** Waits for the agent's card to show its request, answering Claude's auto-mode offer meanwhile. */
async function requestOnBoard(container: string) {
  const card = page.locator(`section.agent[data-name="${container}"]`);
  const screen = () => exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;
  await waitFor(async () => (assertNoAutoModeOffer(container), (await card.locator('li.decision code').count()) === 1), 'the request on the board', 120_000, screen);
  expect(await card.locator('li.decision code').textContent()).toBe('touch /workspace/made-by-the-tool');
  return { card, screen };
}

describe.skipIf(!reachable)('the board answers the real claude', () => {
  beforeAll(async () => {
    mock.start();
    board = await startBoard(installCli());
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(board.url);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await board?.stop();
    mock.stop();
    made.cleanup();
  });

  it('a click on Approve runs the tool, and the model gets its result', async () => {
    const container = await runClaude('board-claude-allow');
    const { card, screen } = await requestOnBoard(container);
    await card.locator('button.approve').click();
    await waitFor(() => exec(container, ['test', '-e', '/workspace/made-by-the-tool']).status === 0, 'the tool to run', 60_000, screen);
    await waitFor(() => toolResults().length > 0, 'the model to get the tool result', 60_000, screen);
    await expect.poll(() => card.locator('li.decision').count(), { timeout: 30_000 }).toBe(0);
    // After a first turn Claude would offer auto mode in a dialog no hook answers, and a prompt would answer it:
    // the supervisor settled it before Claude started, so the next prompt from the board is a second turn.
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 60_000 }).toBe('waiting');
    await card.locator('textarea.prompt-text').fill('and now a second turn');
    // Claude may take a moment to read input after its turn: the page says so (409), and a person tries again.
    let clickedAtMs = 0;
    await waitFor(async () => {
      assertNoAutoModeOffer(container);
      if ((await card.locator('p.result').textContent())?.startsWith('typed ')) return true;
      if (Date.now() - clickedAtMs > 2000 && (await card.locator('button.prompt-send').isEnabled())) {
        clickedAtMs = Date.now();
        await card.locator('button.prompt-send').click();
      }
      return false;
    }, 'the board to type the second prompt', 60_000, screen);
    await waitFor(() => mock.conversations().some((texts) => texts.some((t) => t.includes('and now a second turn'))), 'the second turn to reach the API', 60_000, screen);
  });

  it('Deny with a message: the message reaches Claude as the tool error, and the tool does not run', async () => {
    const before = toolResults().length;
    const container = await runClaude('board-claude-deny');
    const { card, screen } = await requestOnBoard(container);
    await card.locator('input.deny-message').fill('not now: the build is running');
    await card.locator('button.deny').click();
    await waitFor(() => toolResults().length > before, 'the model to get the denial', 60_000, screen);
    expect(JSON.stringify(toolResults().slice(before))).toContain('not now: the build is running');
    expect(exec(container, ['test', '-e', '/workspace/made-by-the-tool']).status).not.toBe(0);
  });
});
