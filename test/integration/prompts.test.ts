import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUNDLE, FIXTURES, SupervisorProcess } from '../helpers/supervisor-process.js';
import { waitFor } from '../helpers/wait-for.js';

// Issue 20 #2: a waiting agent's next prompt, typed into its session exactly as given.
const TOKEN = 'answer-token-for-the-prompt-test-0123456789';
let sup: SupervisorProcess;
afterEach(async () => {
  await sup?.cleanup();
});

async function startPromptAgent(): Promise<SupervisorProcess> {
  sup = await SupervisorProcess.start({
    env: { AGENTGATE_AGENT: 'agent-prompt.sh', AGENTGATE_IDLE_MS: '1000', AGENTGATE_ANSWER_TOKEN_SHA256: createHash('sha256').update(TOKEN).digest('hex') },
  });
  await waitForState(sup, 'idle');
  return sup;
}

async function waitForState(s: SupervisorProcess, state: string): Promise<void> {
  await waitFor(async () => (await s.health()).body.agentState?.state === state, `agent state ${state}`, 15_000);
}

function typed(s: SupervisorProcess): string {
  try {
    return readFileSync(join(s.workspace, '.typed'), 'utf8');
  } catch {
    return '';
  }
}

async function prompt(s: SupervisorProcess, body: unknown, authorization = `Bearer ${TOKEN}`): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${s.healthPort}/prompt`, { method: 'POST', headers: { authorization }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

describe('prompts', () => {
  it('types a multi-line prompt exactly as given (no shell, no tmux key names) when the agent waits; stdin works for the container command', async () => {
    const s = await startPromptAgent();
    const text = "first line with 'quotes' \"double\" $HOME `id` ; C-c Enter\nsecond line\t# and a tab";
    expect(await prompt(s, { text, by: 'board' })).toEqual({ status: 200, body: { typed: true, chars: text.length, by: 'board' } });
    await waitFor(() => typed(s).split('\n').length >= 3, 'the two lines typed');
    expect(typed(s)).toBe(`${text}\n`);
    expect(await s.waitForLog('prompt typed')).toMatchObject({ chars: text.length, lines: 2, by: 'board' });
    expect(s.output).not.toContain('second line');
    // The container's own command reads the prompt from stdin (private text stays out of argv).
    await waitForState(s, 'idle');
    const cli = spawnSync('node', [BUNDLE, 'prompt'], { env: { ...s.env, AGENTGATE_ANSWER_TOKEN: TOKEN }, input: 'from stdin', encoding: 'utf8', timeout: 10_000 });
    expect(cli).toMatchObject({ status: 0, stdout: 'typed 10 characters\n' });
    await waitFor(() => typed(s).endsWith('from stdin\n'), 'the stdin prompt typed');
  });

  it('refuses while the agent works, with its state; control characters, 1 MiB, empty text and the wrong token, each with the reason', async () => {
    const s = await startPromptAgent();
    writeFileSync(join(s.workspace, '.busy'), '');
    await waitForState(s, 'working');
    const busy = await prompt(s, { text: 'do this next' });
    expect(busy).toEqual({ status: 409, body: { error: expect.stringMatching(/^the agent is working \(for \d+ s\): a prompt is typed only while it waits/) } });
    const cli = spawnSync('node', [BUNDLE, 'prompt', 'do this next'], { env: { ...s.env, AGENTGATE_ANSWER_TOKEN: TOKEN }, encoding: 'utf8', timeout: 10_000 });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain('the agent is working');
    rmSync(join(s.workspace, '.busy'));
    await waitForState(s, 'idle');
    expect(await prompt(s, { text: 'escape \u001b[201~ then keys' })).toMatchObject({ status: 400, body: { error: expect.stringContaining('control character U+001b at 7') } });
    expect(await prompt(s, { text: 'x'.repeat(1024 * 1024) })).toMatchObject({ status: 413 });
    expect(await prompt(s, { text: 'x'.repeat(65_537) })).toMatchObject({ status: 400, body: { error: 'prompt of 65537 characters: at most 65536' } });
    expect(await prompt(s, { text: '  ' })).toMatchObject({ status: 400 });
    expect(await prompt(s, 'not json')).toMatchObject({ status: 400 });
    expect(await prompt(s, { text: 'hi' }, 'Bearer not-the-token-not-the-token')).toMatchObject({ status: 403 });
    expect(typed(s)).toBe('');
    // Nothing else was affected: a good prompt still goes through.
    expect((await prompt(s, { text: 'now it is fine' })).status).toBe(200);
    await waitFor(() => typed(s) === 'now it is fine\n', 'the good prompt typed');
  });

  it("refuses while Claude's screen shows a dialog (the auto-mode question after a first turn): Enter would answer it", async () => {
    sup = await SupervisorProcess.start({
      env: {
        PATH: `${join(FIXTURES, 'fake-claude')}:${FIXTURES}:/usr/local/bin:/usr/bin:/bin`,
        ANTHROPIC_API_KEY: 'sk-ant-prompts',
        AGENTGATE_ANSWER_TOKEN_SHA256: createHash('sha256').update(TOKEN).digest('hex'),
      },
      files: { '.claude-script': 'Stop\nScreen Make auto mode your default permission mode?\nScreen Not answered yet · ↑/↓ to choose · Esc to cancel\nStop\n', '.go': '' },
    });
    await waitFor(async () => (await sup.health()).body.agentState?.state === 'waiting' && sup.tmux(['capture-pane', '-p', '-t', 'agent']).stdout.includes('Esc to cancel'), 'the dialog on a waiting agent', 15_000);
    expect(await prompt(sup, { text: 'next task' })).toEqual({
      status: 409,
      body: { error: 'a dialog is open on the agent\'s screen ("Make auto mode your default permission mode?"): a prompt would answer it; answer it at the terminal first (agentgate attach)' },
    });
  });
});
