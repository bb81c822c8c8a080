import { readFileSync } from 'node:fs';
import { FirstPrompt } from './first-prompt.js';
import type { Config } from '../../config/load-config.js';
import { StartupError } from '../../errors.js';

/** The first prompt, read from its file at start; a file that cannot be read is a startup error. */
export async function readFirstPrompt(config: Config, uid: number): Promise<FirstPrompt | null> {
  if (!config.prompt) return null;
  if ('text' in config.prompt) return FirstPrompt.create(config.prompt.text, config.state.stateDir);
  let text: string;
  try {
    text = readFileSync(config.prompt.file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StartupError(`prompt file ${config.prompt.file} (AGENTGATE_PROMPT_FILE) cannot be read (${code})`, { hint: `mount it there, readable by uid ${uid}, or unset the variable` });
  }
  return FirstPrompt.create(text, config.state.stateDir);
}
