import { describe, expect, it } from 'vitest';
import { promptShownOn } from '../../supervisor/features/first-prompt/prompt-shown.js';

describe('promptShownOn', () => {
  it('sees a long prompt wherever the scrubber would redact its line', () => {
    const shown = promptShownOn('fix the failing tests in src/app.ts');
    expect(shown('> fix the failing tests in src/app.ts')).toBe(true);
    expect(shown('> ')).toBe(false);
  });

  it('sees a short prompt only where it ends a line as an input does, boxed or not', () => {
    const shown = promptShownOn('go');
    expect(shown('> go')).toBe(true);
    expect(shown('\u2502 > go                    \u2502')).toBe(true);
    expect(shown('\u276f go')).toBe(true);
    expect(shown('go')).toBe(true);
    // Ordinary text holding it: not the input.
    expect(shown('Let us go on with the review')).toBe(false);
    expect(shown('> ago')).toBe(false);
    expect(shown('Do you want to go?')).toBe(false);
    expect(shown('> Go')).toBe(false); // as typed, not another case
    expect(shown('cwd: /work/go')).toBe(false);
    expect(promptShownOn('Yes')('\u276f 1. Yes')).toBe(false); // a dialog's answer, not an input
    expect(shown('\u2503  go')).toBe(true); // OpenCode's input
    expect(shown('\u203a go')).toBe(true); // Codex's
  });

  it('takes a short prompt with regex characters literally, and sees nothing for an empty one', () => {
    expect(promptShownOn('?')('> ?')).toBe(true);
    expect(promptShownOn('?')('> a')).toBe(false);
    expect(promptShownOn('.*')('> abc')).toBe(false);
    expect(promptShownOn('  ')('> ')).toBe(false);
  });
});
