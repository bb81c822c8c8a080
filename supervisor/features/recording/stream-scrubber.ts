import { scrubSecrets } from '../../config/secret-names.js';

/**
 * Scrubs secret values from text that arrives in chunks (the agent's terminal output): a secret split over two
 * chunks is still found. The end of a chunk that could be the start of a secret is held back until the next
 * chunk shows whether it is one; everything else passes at once.
 */
export class StreamScrubber {
  private held = '';

  constructor(private readonly secrets: readonly string[]) {}

  /** The text that is safe to write now: `text` after what was held back, minus what is held back again. */
  push(text: string): string {
    if (this.secrets.length === 0) return text;
    const scrubbed = scrubSecrets(this.held + text, this.secrets);
    const keep = secretStartAtEnd(scrubbed, this.secrets);
    this.held = scrubbed.slice(scrubbed.length - keep);
    return scrubbed.slice(0, scrubbed.length - keep);
  }

  /** The stream ended: what was held back (the start of a secret that never came whole). */
  end(): string {
    const rest = this.held;
    this.held = '';
    return rest;
  }
}

/** The length of the longest end of `text` that is the start (not the whole) of a secret; 0 when none. */
function secretStartAtEnd(text: string, secrets: readonly string[]): number {
  let longest = 0;
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, text.length); length > longest; length--) {
      if (text.endsWith(secret.slice(0, length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}
