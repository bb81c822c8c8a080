import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The first prompt (AGENTGATE_PROMPT / AGENTGATE_PROMPT_FILE) goes to the agent once: typed into a run until
 * one takes it (FirstPromptTyping), never after, and not again for a container re-created on the same state
 * volume. A marker in the state dir holds the prompt's hash (never its text), so a new prompt is given once too.
 */
export class FirstPrompt {
  private readonly markerPath: string;
  private readonly hash: string;

  private constructor(
    private readonly text: string,
    stateDir: string,
    hash: string,
  ) {
    this.markerPath = join(stateDir, '.agentgate-first-prompt');
    this.hash = hash;
  }

  /** node:crypto is loaded only when there is a prompt to hash. */
  static async create(text: string, stateDir: string): Promise<FirstPrompt> {
    const { createHash } = await import('node:crypto');
    return new FirstPrompt(text, stateDir, createHash('sha256').update(text).digest('hex'));
  }

  /** Its length in characters: what a log line may say of it. */
  get length(): number {
    return this.text.length;
  }

  /** The text, for scrubbing it from output (the screen's last lines), never for printing. */
  get secret(): string {
    return this.text;
  }

  /** The prompt when it has not been given yet, else null. */
  pending(): string | null {
    try {
      if (readFileSync(this.markerPath, 'utf8').trim() === this.hash) return null;
    } catch {
      // no marker: never given
    }
    return this.text;
  }

  /** Records that the agent got it; an error here is returned, so the caller can say so. */
  markGiven(): string | null {
    try {
      writeFileSync(this.markerPath, `${this.hash}\n`, { mode: 0o600 });
      return null;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code ?? String(error);
    }
  }
}
