import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FirstPrompt } from '../../supervisor/features/first-prompt/first-prompt.js';
import { FirstPromptTyping, type ScreenLook } from '../../supervisor/features/first-prompt/first-prompt-typing.js';
import { createLogger } from '../../supervisor/log/logger.js';
import { waitFor } from '../helpers/wait-for.js';

/**
 * The typing's rules on their own: what it pastes and when it presses Enter, given what the screen shows and
 * which hooks come. The screen here is a value the test sets; the real panes are in the container tests
 * (agents-copilot, first-prompt-opencode).
 */
const PROMPT = 'fix the flaky test';
const EMPTY: ScreenLook = { dialog: null, inputReady: true, promptShown: false, input: null };

interface Rig {
  typing: FirstPromptTyping;
  keys: string[];
  screen: { look: ScreenLook; looks: number };
  messages: () => string[];
  prompt: FirstPrompt;
}

const made: FirstPromptTyping[] = [];
afterEach(() => {
  for (const t of made.splice(0)) t.close();
});

async function rig(options: { hooks: boolean; readsInput?: boolean; look?: boolean }): Promise<Rig> {
  const prompt = await FirstPrompt.create(PROMPT, mkdtempSync(join(tmpdir(), 'agentgate-first-prompt-')));
  const lines: string[] = [];
  const log = createLogger({ level: 'info', format: 'json', secrets: [], write: (line) => lines.push(line) });
  const keys: string[] = [];
  const screen = { look: EMPTY, looks: 0 };
  const typing = new FirstPromptTyping({
    prompt,
    keys: {
      paste: async (text) => (keys.push(`paste:${text}`), true),
      enter: async () => (keys.push('enter'), true),
    },
    hooks: options.hooks,
    ...(options.look === false ? {} : { look: async () => ((screen.looks += 1), screen.look) }),
    readsInput: options.readsInput ?? false,
    log,
    settleMs: 20,
    enterRetryMs: 60,
  });
  made.push(typing);
  return { typing, keys, screen, prompt, messages: () => lines.map((l) => (JSON.parse(l) as { msg: string }).msg) };
}

describe('the first prompt typed into an agent', () => {
  it('without hooks: pasted once its screen is still, Enter once, given and recorded', async () => {
    const r = await rig({ hooks: false, look: false });
    r.typing.agentStarted();
    await waitFor(() => r.messages().includes('first prompt given'), 'the prompt given');
    expect(r.keys).toEqual([`paste:${PROMPT}`, 'enter']);
    expect(r.prompt.pending()).toBeNull();
  });

  it('holds the prompt while a choice dialog is open, says so once, and types it once the screen changed', async () => {
    const r = await rig({ hooks: true });
    r.screen.look = { ...EMPTY, dialog: 'Do you trust the files in this folder?' };
    r.typing.hook({ name: 'SessionStart' });
    await waitFor(() => r.messages().includes('first prompt waits'), 'the wait said');
    r.typing.screenActive(); // the dialog is drawn again: still a dialog, looked at once the screen settles
    await waitFor(() => r.screen.looks >= 2, 'a second look');
    expect(r.messages().filter((m) => m === 'first prompt waits')).toHaveLength(1);
    expect(r.keys).toEqual([]);
    r.screen.look = EMPTY;
    r.typing.screenActive(); // answered at the terminal
    await waitFor(() => r.keys.includes('enter'), 'the prompt typed');
    expect(r.keys).toEqual([`paste:${PROMPT}`, 'enter']);
    expect(r.messages()).not.toContain('first prompt given'); // given only on UserPromptSubmit
    r.typing.hook({ name: 'UserPromptSubmit' });
    expect(r.messages()).toContain('first prompt given');
  });

  it('presses Enter again, not a second paste, while the prompt still shows in the input', async () => {
    const r = await rig({ hooks: true });
    r.typing.hook({ name: 'SessionStart' });
    await waitFor(() => r.messages().includes('first prompt not taken'), 'three Enters not taken', 5000);
    expect(r.keys).toEqual([`paste:${PROMPT}`, 'enter', 'enter', 'enter']);
    // The screen changes (a dialog answered elsewhere): typed again, but the prompt is still in the input.
    r.screen.look = { ...EMPTY, promptShown: true };
    r.typing.screenActive();
    await waitFor(() => r.keys.length === 5, 'the next key');
    expect(r.keys.filter((k) => k.startsWith('paste:'))).toHaveLength(1);
    expect(r.keys[4]).toBe('enter');
  });

  it('with an input rule: a still screen showing the input empty gets the prompt again, said as lost', async () => {
    const r = await rig({ hooks: true, readsInput: true });
    r.typing.hook({ name: 'SessionStart' });
    await waitFor(() => r.keys.length === 4, 'a paste and three Enters', 5000);
    r.screen.look = { ...EMPTY, input: 'empty' };
    await waitFor(() => r.keys.filter((k) => k.startsWith('paste:')).length === 2, 'pasted again', 5000);
    expect(r.messages()).toContain('first prompt lost');
  });

  it('without an input rule the still screen is left alone: no second paste until it changes', async () => {
    // Two agents side by side, the same screen: the one whose profile reads its input pastes again; by then the
    // other, looking at nothing, has not.
    const [reads, blind] = await Promise.all([rig({ hooks: true, readsInput: true }), rig({ hooks: true, readsInput: false })]);
    for (const r of [reads, blind]) r.typing.hook({ name: 'SessionStart' });
    await waitFor(() => reads.keys.length === 4 && blind.keys.length === 4, 'a paste and three Enters each', 5000);
    for (const r of [reads, blind]) r.screen.look = { ...EMPTY, input: 'empty' };
    await waitFor(() => reads.keys.filter((k) => k.startsWith('paste:')).length === 2, 'pasted again', 5000);
    expect(blind.keys.filter((k) => k.startsWith('paste:'))).toHaveLength(1);
    blind.typing.screenActive();
    await waitFor(() => blind.keys.filter((k) => k.startsWith('paste:')).length === 2, 'pasted again once its screen changed', 5000);
  });
});
