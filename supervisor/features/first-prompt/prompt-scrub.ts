/** A stretch of the prompt this long on a screen line marks the line as the prompt's. */
const WINDOW_CHARS = 16;
/** Shorter than this (flattened), the prompt is not redacted: too short to tell from ordinary text. */
export const SHORTEST_CHARS = 4;

/**
 * Removes the first prompt from the agent's screen lines before they leave the supervisor (the exit's
 * `lastLines` in the log, /events and health): the prompt can be private, like a secret. The agent shows it
 * its own way (wrapped, indented, prefixed), so a line is redacted whole when it holds any WINDOW_CHARS-long
 * stretch of the prompt, whitespace runs counted as one space; a prompt shorter than that is cut out where it
 * appears. Pure.
 */
export function promptScrubber(prompt: string): (text: string) => string {
  const flatPrompt = flatten(prompt);
  if (flatPrompt.length < SHORTEST_CHARS) return (text) => text;
  if (flatPrompt.length <= WINDOW_CHARS) return (text) => text.split(flatPrompt).join('[prompt]');
  return (text) => {
    const line = flatten(text);
    for (let i = 0; i + WINDOW_CHARS <= line.length; i += 1) {
      if (flatPrompt.includes(line.slice(i, i + WINDOW_CHARS))) return '[prompt]';
    }
    return text;
  };
}

function flatten(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
