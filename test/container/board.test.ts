import { chownSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentgateCli, installCli } from '../helpers/agentgate-cli.js';
import { EngineRelay, type RunningBoard, launchChromium, startBoard } from '../helpers/board.js';
import { ROOT, exec, requireEngine } from '../helpers/containers.js';
import { TEST_IMAGE, docker } from '../helpers/docker.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue 20's board, in Debian's Chromium against agents of the real image: a decision answered by a click, a
// prompt typed in the page, the screen as tmux has it, agents coming and going, and the refusals.
const engine = requireEngine();
const name = `board-f${process.pid}`;
const later = `board-g${process.pid}`;
const meanwhile = `board-m${process.pid}`;
// Asks twice as Claude's hook would, keeps what the hook printed, ends its turn (waiting), then takes prompts.
const AGENT_SCRIPT = `
printf '\\033[32mgreen\\033[0m board fixture\\n'
printf '{"tool_name":"Bash","tool_input":{"command":"make deploy"}}' | agentgate-hook PermissionRequest > /workspace/.out1
printf '{"tool_name":"Bash","tool_input":{"command":"rm -rf build"}}' | agentgate-hook PermissionRequest > /workspace/.out2
echo '{}' | agentgate-hook Stop
echo asked
while IFS= read -r line; do printf '%s\\n' "$line" >> /workspace/.typed; echo "took: $line"; done
`;

let cli: AgentgateCli;
let dir: string;
let board: RunningBoard;
let browser: Browser;
let page: Page;
const read = (file: string) => {
  try {
    return readFileSync(join(dir, file), 'utf8');
  } catch {
    return undefined;
  }
};
const card = (agent: string) => page.locator(`section.agent[data-name="${agent}"]`);
/** A card's node marked by the test: the mark survives only while the page keeps the same node. */
type Marked = Element & { marked?: boolean };

function fixtureDir(script: string): string {
  const d = mkdtempSync(join(tmpdir(), 'agentgate-board-'));
  writeFileSync(join(d, 'ask.sh'), script);
  chownSync(d, 1000, 1000);
  chownSync(join(d, 'ask.sh'), 1000, 1000);
  return d;
}

describe.skipIf(!engine)('agentgate board in a real browser', () => {
  beforeAll(async () => {
    cli = new AgentgateCli(installCli());
    dir = fixtureDir(AGENT_SCRIPT);
    const up = cli.run(['up', dir, '--name', name, '--image', TEST_IMAGE, '--network', 'none', '--agent', 'sh /workspace/ask.sh', '--memory', '512m', '--cpus', '1', '--env', 'AGENTGATE_IDLE_MS=1000']);
    if (up.code !== 0) throw new Error(`up failed: ${up.stderr}`);
    board = await startBoard(cli.bin);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(board.url);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await board?.stop();
    cli?.cleanup([name, later, meanwhile]);
  });

  it('opens with the token, which it trades for a cookie and drops from the address bar; no token, no board', async () => {
    expect(page.url()).toBe(`${board.base}/`);
    await expect.poll(() => page.locator('#connection').textContent(), { timeout: 15_000 }).toBe('live');
    expect((await fetch(`${board.base}/api/fleet`)).status).toBe(401);
    expect((await fetch(`${board.base}/?token=wrong-token`)).status).toBe(401);
    const forged = await fetch(`${board.base}/api/agents/${name}/prompt`, { method: 'POST', headers: { cookie: `agentgate-board=${board.token}`, origin: 'http://evil.example' }, body: '{"text":"x"}' });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain("only the board's own page may act");
  });

  it('a click on Approve answers the pending decision; Deny carries its message back to the agent', async () => {
    const agent = card(name);
    await expect.poll(() => agent.getAttribute('data-state'), { timeout: 60_000 }).toBe('needs-permission');
    await expect.poll(() => agent.locator('li.decision code').first().textContent()).toBe('make deploy');
    await page.screenshot({ path: join(ROOT, 'docs/images/board.png') });
    await agent.locator('li.decision button.approve').click();
    await waitFor(() => read('.out1'), 'the first hook to print', 30_000);
    expect(JSON.parse(read('.out1') as string)).toEqual({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } });
    await expect.poll(() => agent.locator('p.result').textContent()).toMatch(/^allowed [0-9a-f]+ \(Bash\)$/);
    await expect.poll(() => agent.locator('li.decision code').first().textContent(), { timeout: 30_000 }).toBe('rm -rf build');
    await agent.locator('input.deny-message').fill('--not the build dir; ask me first');
    await agent.locator('li.decision button.deny').click();
    await waitFor(() => read('.out2'), 'the second hook to print', 30_000);
    expect(JSON.parse(read('.out2') as string)).toEqual({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: '--not the build dir; ask me first' } } });
  });

  it('a prompt typed in the page reaches the waiting agent exactly; one with a control character is refused with the reason', async () => {
    const agent = card(name);
    await expect.poll(() => agent.getAttribute('data-state'), { timeout: 30_000 }).toMatch(/^(waiting|idle)$/);
    const text = "it's $HOME and `id`; C-c";
    await agent.locator('textarea.prompt-text').fill(text);
    await agent.locator('button.prompt-send').click();
    await waitFor(() => read('.typed') === `${text}\n`, 'the prompt typed', 30_000, () => read('.typed') ?? '(nothing typed)');
    await expect.poll(() => agent.locator('p.result').textContent()).toBe(`typed ${text.length} characters`);
    await expect.poll(() => agent.getAttribute('data-state'), { timeout: 30_000 }).toMatch(/^(waiting|idle)$/);
    await agent.locator('textarea.prompt-text').fill('ring \u0007 the bell');
    await agent.locator('button.prompt-send').click();
    await expect.poll(() => agent.locator('p.result').textContent()).toContain('control character U+0007');
    const huge = await page.evaluate(async (path) => {
      const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'a'.repeat(1 << 20) }) });
      return { status: res.status, body: await res.text() };
    }, `/api/agents/${name}/prompt`);
    expect(huge).toMatchObject({ status: 413 });
    expect(huge.body).toContain('prompt over 65536 characters');
    expect(read('.typed')).toBe(`${text}\n`);
  });

  it('the screen view shows what tmux capture-pane shows, colours included, and follows it', async () => {
    await card(name).locator('button.show-screen').click();
    const tmuxLines = () => exec(`agentgate-${name}`, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout.replace(/\n$/, '').split('\n').map((l) => l.trimEnd());
    const shown = () => page.evaluate(() => (globalThis as unknown as { agentgateBoard: { screenLines(): string[] | null } }).agentgateBoard.screenLines());
    await waitFor(async () => JSON.stringify(await shown()) === JSON.stringify(tmuxLines()), 'the page to show the pane', 30_000, () => `page: ${JSON.stringify(shown())}`);
    expect(tmuxLines()[0]).toBe('green board fixture');
    // The colour is kept: the first cell of the first line is drawn in green (SGR 32, palette colour 2).
    const colour = await page.evaluate(() => {
      const g = globalThis as unknown as { agentgateBoard: { cellColour(x: number, y: number): number } };
      return g.agentgateBoard.cellColour(0, 0);
    });
    expect(colour).toBe(2);
    const r = docker(['exec', `agentgate-${name}`, 'tmux', 'send-keys', '-t', 'agent', '-l', 'typed at the terminal']);
    expect(r.status, r.stderr).toBe(0);
    docker(['exec', `agentgate-${name}`, 'tmux', 'send-keys', '-t', 'agent', 'Enter']);
    await waitFor(async () => (await shown())?.includes('took: typed at the terminal'), 'the view to follow the pane', 30_000);
    await page.screenshot({ path: join(ROOT, 'docs/images/board-screen.png') });
  });

  it('when the engine goes away the page says so; when it is back the board follows it again, an agent made meanwhile included', async () => {
    const relay = new EngineRelay();
    await relay.up();
    const second = await startBoard(cli.bin, { DOCKER_HOST: `unix://${relay.path}` });
    const view = await browser.newPage();
    try {
      await view.goto(second.url);
      const cardOf = (agent: string) => view.locator(`section.agent[data-name="${agent}"]`);
      await expect.poll(() => cardOf(name).count(), { timeout: 30_000 }).toBe(1);
      await cardOf(name).evaluate((node) => ((node as Marked).marked = true));
      await relay.down();
      await expect.poll(() => view.locator('#engine-error').textContent(), { timeout: 30_000 }).toMatch(/engine/);
      const other = fixtureDir('echo made while the board was cut off; while :; do sleep 60; done\n');
      const up = cli.run(['up', other, '--name', meanwhile, '--image', TEST_IMAGE, '--network', 'none', '--agent', 'sh /workspace/ask.sh', '--memory', '256m', '--cpus', '1']);
      expect(up.code, up.stderr).toBe(0);
      await relay.up();
      await expect.poll(() => view.locator('#engine-error').isHidden(), { timeout: 30_000 }).toBe(true);
      await expect.poll(() => cardOf(meanwhile).count(), { timeout: 30_000 }).toBe(1);
      await expect.poll(() => cardOf(name).getAttribute('data-state'), { timeout: 30_000 }).toMatch(/^(waiting|idle)$/);
      // Listed again after the engine came back, the agent kept its card: the same node, not one made again.
      expect(await cardOf(name).evaluate((node) => (node as Marked).marked)).toBe(true);
    } finally {
      await view.close();
      await second.stop();
      await relay.down();
      cli.run(['rm', meanwhile]);
    }
  });

  it('a card stays in place while fleet updates arrive: the field a person types in keeps its focus and its text', async () => {
    const agent = card(name);
    const field = agent.locator('textarea.prompt-text');
    const updates = () => page.evaluate(() => (globalThis as unknown as { agentgateBoard: { fleetUpdates(): number } }).agentgateBoard.fleetUpdates());
    await agent.evaluate((node) => ((node as Marked).marked = true));
    await field.fill('');
    await field.focus();
    const words = ['typed', 'while', 'agents', 'come', 'and', 'go'];
    const extras = words.map((_, i) => `board-x${process.pid}-${i}`);
    try {
      for (const [i, word] of words.entries()) {
        await page.keyboard.type(i === 0 ? word : ` ${word}`);
        // Another agent's container appears: the engine's event makes the board list again and update the page.
        const before = await updates();
        const made = docker(['create', '--name', extras[i] as string, '--label', 'agentgate.role=agent', TEST_IMAGE]);
        expect(made.status, made.stderr).toBe(0);
        await waitFor(async () => (await updates()) > before, 'a fleet update', 30_000);
      }
      await expect.poll(() => page.locator('section.agent').count(), { timeout: 30_000 }).toBeGreaterThanOrEqual(1 + words.length);
    } finally {
      docker(['rm', '-f', ...extras]);
    }
    expect(await field.evaluate((f) => f === document.activeElement)).toBe(true);
    expect(await field.inputValue()).toBe(words.join(' '));
    expect(await agent.evaluate((node) => (node as Marked).marked)).toBe(true);
    await field.fill('');
  });

  it('agents that come and go appear and leave without a reload', async () => {
    const other = fixtureDir('echo second agent; while :; do sleep 60; done\n');
    const up = cli.run(['up', other, '--name', later, '--image', TEST_IMAGE, '--network', 'none', '--agent', 'sh /workspace/ask.sh', '--memory', '256m', '--cpus', '1']);
    expect(up.code, up.stderr).toBe(0);
    await expect.poll(() => card(later).count(), { timeout: 30_000 }).toBe(1);
    expect(cli.run(['rm', later]).code).toBe(0);
    await expect.poll(() => card(later).count(), { timeout: 30_000 }).toBe(0);
    await expect.poll(() => card(name).count()).toBe(1);
  });
});
