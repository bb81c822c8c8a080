import { describe, expect, it } from 'vitest';
import { choiceDialogOnScreen } from '../../supervisor/agents/choice-dialog.js';
import { copilotInputDrawn } from '../../supervisor/agents/copilot/profile.js';

// Screens as the real CLIs draw them (Copilot CLI's folder-trust dialog, Claude's auto-mode offer).
const COPILOT_TRUST = [
  '╭────────────────────────────────────────────╮',
  '│ Confirm folder trust                       │',
  '│ ╭────────────────────────────────────────╮ │',
  '│ │ /workspace                             │ │',
  '│ ╰────────────────────────────────────────╯ │',
  '│ Do you trust the files in this folder?     │',
  '│                                            │',
  '│ ❯ 1. Yes                                   │',
  '│   2. Yes, and remember this folder         │',
  '│   3. No (Esc)                              │',
  '│                                            │',
  '│ ↑/↓ to navigate · enter to select · esc to cancel │',
  '╰────────────────────────────────────────────╯',
];
const CLAUDE_OFFER = [' Make auto mode your default permission mode?', '', ' ❯ 1. Yes', '   2. Not now', '', ' ↑/↓ to choose · Esc to cancel'];

describe('choiceDialogOnScreen', () => {
  it("names Copilot's folder-trust question, inside its box", () => {
    expect(choiceDialogOnScreen(COPILOT_TRUST)).toBe('Do you trust the files in this folder?');
  });

  it("names Claude's question", () => {
    expect(choiceDialogOnScreen(CLAUDE_OFFER)).toBe('Make auto mode your default permission mode?');
  });

  it('says "a choice" for a dialog without a question, and null for an input with no dialog', () => {
    expect(choiceDialogOnScreen(['❯ 1. Yes', '  2. No', '↑/↓ to select'])).toBe('a choice');
    expect(choiceDialogOnScreen(['❯ what do you think?', '/ commands · ? help'])).toBeNull();
  });
});

describe('copilotInputDrawn', () => {
  it('sees its input line, empty or with text, and not a dialog option or its banner', () => {
    expect(copilotInputDrawn(['────', '❯', '────', ' / commands · ? help'])).toBe(true);
    expect(copilotInputDrawn(['❯ -x first prompt of copilot'])).toBe(true);
    expect(copilotInputDrawn(COPILOT_TRUST)).toBe(false);
    expect(copilotInputDrawn(['❯ 1. Yes', '  2. No'])).toBe(false);
    expect(copilotInputDrawn(['  Copilot v1.x uses AI.', '  Check for mistakes.'])).toBe(false);
  });
});
