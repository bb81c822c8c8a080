import { SHORTEST_CHARS, promptScrubber } from './prompt-scrub.js';

/**
 * Whether a screen line shows the first prompt in the agent's input, for the typing to tell a prompt still there
 * (press Enter) from one the agent dropped (paste again). A prompt the scrubber redacts shows where it redacts a
 * line. A shorter one ("hi", "go") would redact ordinary text, so it shows only where it ends a line as an input
 * does: after a character that is not a letter or digit ("> go", "│ > go   │"), followed by nothing but spaces and
 * a box's edge. Without this a one-word prompt kept by the agent across a dialog was pasted a second time. Pure.
 */
export function promptShownOn(prompt: string): (line: string) => boolean {
  const flat = prompt.replace(/\s+/g, ' ').trim();
  if (flat.length >= SHORTEST_CHARS) {
    const scrub = promptScrubber(prompt);
    return (line) => scrub(line) !== line;
  }
  if (flat === '') return () => false;
  const escaped = flat.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const endsInput = new RegExp(`(?:^|[^\\p{L}\\p{N}])${escaped}[\\s\\u2502\\u2503\\u2551]*$`, 'u');
  return (line) => endsInput.test(line.replace(/\s+/g, ' '));
}
