import { PaneTyping } from '../../tmux/pane-typing.js';
import type { FeatureFactory } from '../feature.js';
import { readFirstPrompt } from './first-prompt-file.js';
import { FirstPromptTyping } from './first-prompt-typing.js';
import { promptScrubber } from './prompt-scrub.js';

/**
 * AGENTGATE_PROMPT / AGENTGATE_PROMPT_FILE: the first prompt typed into the agent once it is ready, given once
 * it took it, never on its command line; the agent's screen lines are scrubbed of it like a secret.
 */
export const typeFirstPrompt: FeatureFactory = async ({ config, runtime, log, events, profile, tmux }) => {
  const prompt = await readFirstPrompt(config, runtime.uid);
  if (!prompt) return null;
  // The whole visible screen (an agent's start screen has its input mid-screen, blank lines below it).
  const promptInput = profile.promptInput?.bind(profile);
  const typing = new FirstPromptTyping({
    prompt,
    keys: new PaneTyping(tmux, config.sessionName),
    hooks: profile.hooks,
    log,
    ...(promptInput ? { promptInput: async () => promptInput(await tmux.screenTail(config.sessionName, 100)) } : {}),
  });
  const unsubscribe = events.subscribe((event) => {
    if (event.type === 'started') typing.agentStarted();
    else if (event.type === 'exited' || event.type === 'stopping') typing.agentExited();
    else if (event.type === 'hook') typing.hook(event.event);
    else if (event.type === 'output') typing.screenActive();
  });
  return {
    scrub: promptScrubber(prompt.secret),
    close: () => {
      unsubscribe();
      typing.close();
    },
  };
};
