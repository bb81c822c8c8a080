import { PaneTyping } from '../../tmux/pane-typing.js';
import type { FeatureFactory } from '../feature.js';
import { readFirstPrompt } from './first-prompt-file.js';
import { FirstPromptTyping, type ScreenLook } from './first-prompt-typing.js';
import { promptScrubber } from './prompt-scrub.js';

/**
 * AGENTGATE_PROMPT / AGENTGATE_PROMPT_FILE: the first prompt typed into the agent once it is ready, given once
 * it took it, never on its command line; the agent's screen lines are scrubbed of it like a secret.
 */
export const typeFirstPrompt: FeatureFactory = async ({ config, runtime, log, events, profile, tmux, screenTail, scrub }) => {
  const prompt = await readFirstPrompt(config, runtime.uid);
  if (!prompt) return null;
  const scrubPrompt = promptScrubber(prompt.secret);
  const { openDialog, inputReady } = profile;
  // One look at the screen: a dialog's question (the agent's screen, so scrubbed like its last lines before it
  // reaches the log), whether its input is drawn, and whether the prompt shows (a line the prompt scrubber redacts).
  const look =
    openDialog || inputReady
      ? async (): Promise<ScreenLook> => {
          const lines = await screenTail();
          const question = openDialog?.(lines) ?? null;
          return {
            dialog: question === null ? null : scrub(scrubPrompt(question)),
            inputReady: inputReady ? inputReady(lines) : true,
            promptShown: lines.some((line) => scrubPrompt(line) !== line),
          };
        }
      : undefined;
  // The whole visible screen (an agent's start screen has its input mid-screen, blank lines below it).
  const promptInput = profile.promptInput?.bind(profile);
  const typing = new FirstPromptTyping({
    prompt,
    keys: new PaneTyping(tmux, config.sessionName),
    hooks: profile.hooks,
    submitHook: profile.promptSubmitHook === true,
    ...(look ? { look } : {}),
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
    scrub: scrubPrompt,
    close: () => {
      unsubscribe();
      typing.close();
    },
  };
};
