import { describe, expect, it } from 'vitest';
import { promptScrubber } from '../../supervisor/features/first-prompt/prompt-scrub.js';

describe('promptScrubber', () => {
  it('redacts a screen line that shows a stretch of the prompt, however the agent wrapped or prefixed it', () => {
    const scrub = promptScrubber('- fix the failing tests in src/app.ts\n- then update the changelog for the release');
    expect(scrub('> - fix the failing tests in src/app.ts')).toBe('[prompt]');
    expect(scrub('  - then update the   changelog')).toBe('[prompt]');
    expect(scrub("error: unknown option '- fix the failing tests in src/app.ts - then update'")).toBe('[prompt]');
    expect(scrub('error: something else went wrong at startup')).toBe('error: something else went wrong at startup');
  });

  it('cuts a short prompt out where it appears, and leaves the rest of the line', () => {
    const scrub = promptScrubber('--version');
    expect(scrub('9.9.9 (Some Agent) for --version')).toBe('9.9.9 (Some Agent) for [prompt]');
    expect(promptScrubber('ok')('ok then')).toBe('ok then'); // too short to tell from ordinary text
  });
});
