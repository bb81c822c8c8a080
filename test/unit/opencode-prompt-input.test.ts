import { describe, expect, it } from 'vitest';
import { opencodePromptInput } from '../../supervisor/agents/opencode/prompt-input.js';

// Screens of the pinned OpenCode in tmux (capture-pane), trimmed.
const LOGO = [
  '                                         █▀▀█ █▀▀█ █▀▀█ █▀▀▄ █▀▀▀ █▀▀█ █▀▀█ █▀▀█',
  '                                         █  █ █  █ █▀▀▀ █  █ █    █  █ █  █ █▀▀▀',
  '                                         ▀▀▀▀ █▀▀▀ ▀▀▀▀ ▀▀▀▀ ▀▀▀▀ ▀▀▀▀ ▀▀▀▀ ▀▀▀▀',
];
const box = (line: string) => ['                       ┃', `                       ┃  ${line}`, '                       ┃', '                       ┃  Build · m x', '                       ╹▀▀▀▀▀▀▀▀▀▀'];
const FOOTER = ['                                                                       tab agents  ctrl+p commands', '  ~                                                                                                            1.x.y'];
const START = [...LOGO, ...box('Ask anything… "Fix a TODO in the codebase"'), ...FOOTER];

describe("OpenCode's input, from its screen", () => {
  it('is empty on its start screen showing the placeholder', () => {
    expect(opencodePromptInput(START)).toBe('empty');
  });

  it('says nothing when text is in the input, in a conversation, with a dialog open, or on a screen it does not know', () => {
    expect(opencodePromptInput([...LOGO, ...box('hello typed but not sent'), ...FOOTER])).toBeNull();
    // The session's screen after a prompt: its message in a box, no logo.
    expect(opencodePromptInput(['  ┃', '  ┃  hello first', '  ┃', '     hello from probe', '  ┃', '  ┃  Build · m x', '   ■■■■■⬝⬝⬝  esc interrupt'])).toBeNull();
    // Its command palette over the start screen (ctrl+p): the logo and the placeholder hidden, `esc` to close.
    const palette = ['                                  Commands                                         esc', '                       ┃          Hide tips                                   ctrl+x h', '                       ┃  Ask     Plugins'];
    expect(opencodePromptInput(palette)).toBeNull();
    expect(opencodePromptInput([...START, ...palette])).toBeNull();
    expect(opencodePromptInput(box('Ask anything… "Fix a TODO in the codebase"'))).toBeNull();
    expect(opencodePromptInput([])).toBeNull();
  });
});
