import { SHORTEST_CHARS, promptScrubber } from './prompt-scrub.js';

/**
 * Whether a screen line shows the first prompt in the agent's input, for the typing to tell a prompt still there
 * (press Enter) from one the agent dropped (paste again). A prompt the scrubber redacts shows where it redacts a
 * line. A shorter one ("hi", "go") would redact ordinary text, so it shows only where a line holds it as an input
 * does: alone, or after an input's mark (`>`, `❯`, `›`, a box's edge: "> go", "│ > go   │", "┃  go"), followed by
 * nothing but spaces and a box's edge ("1. Yes" or "Let's go" are not an input). Without this a one-word prompt
 * kept by the agent across a dialog was pasted a second time. Pure.
 */
export function promptShownOn(prompt: string): (line: string) => boolean {
  const flat = prompt.replace(/\s+/g, ' ').trim();
  if (flat.length >= SHORTEST_CHARS) {
    const scrub = promptScrubber(prompt);
    return (line) => scrub(line) !== line;
  }
  if (flat === '') return () => false;
  const escaped = flat.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  // The marks escaped: one non-ASCII character anywhere makes V8 hold the whole bundle's source at two bytes a character.
  const endsInput = new RegExp(`^[\\s\\u2502\\u2503\\u2551]*(?:[>\\u276f\\u203a]\\s*)?${escaped}[\\s\\u2502\\u2503\\u2551]*$`, 'u');
  return (line) => endsInput.test(line.replace(/\s+/g, ' '));
}
