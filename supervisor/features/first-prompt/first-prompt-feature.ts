import { PaneTyping } from '../../tmux/pane-typing.js';
import { SCREEN_TAIL_LINES } from '../../tmux/tmux-server.js';
import type { FeatureFactory } from '../feature.js';
import { readFirstPrompt } from './first-prompt-file.js';
import { FirstPromptTyping, type ScreenLook } from './first-prompt-typing.js';
import { promptScrubber } from './prompt-scrub.js';
import { promptShownOn } from './prompt-shown.js';

/** The lines a dialog, a drawn input or the shown prompt is looked for in: the screen's last ones. */
const LAST_LINES = SCREEN_TAIL_LINES;
/** The lines an input rule reads: a whole screen. */
const SCREEN_LINES = 100;

/**
 * AGENTGATE_PROMPT / AGENTGATE_PROMPT_FILE: the first prompt typed into the agent once it is ready, given once
 * it took it, never on its command line; the agent's screen lines are scrubbed of it like a secret.
 */
export const typeFirstPrompt: FeatureFactory = async ({ config, runtime, log, events, profile, tmux, scrub }) => {
  const prompt = await readFirstPrompt(config, runtime.uid);
  if (!prompt) return null;
  const scrubPrompt = promptScrubber(prompt.secret);
  const shown = promptShownOn(prompt.secret);
  const { openDialog, inputReady } = profile;
  const promptInput = profile.promptInput?.bind(profile);
  // One capture per look. Its whole visible screen for the input rule (an agent's start screen has its input
  // mid-screen, blank lines below it); its last lines for the rest: a dialog's question (the agent's screen, so
  // scrubbed like its last lines before it reaches the log), whether its input is drawn, whether the prompt shows
  // (in its input).
  const look =
    openDialog || inputReady || promptInput
      ? async (): Promise<ScreenLook> => {
          const screen = await tmux.screenTail(config.sessionName, promptInput ? SCREEN_LINES : LAST_LINES);
          const lines = screen.slice(-LAST_LINES);
          const question = openDialog?.(lines) ?? null;
          return {
            dialog: question === null ? null : scrub(scrubPrompt(question)),
            inputReady: inputReady ? inputReady(lines) : true,
            promptShown: lines.some(shown),
            input: promptInput?.(screen) ?? null,
          };
        }
      : undefined;
  const typing = new FirstPromptTyping({
    prompt,
    keys: new PaneTyping(tmux, config.sessionName),
    hooks: profile.hooks,
    submitHook: profile.promptSubmitHook === true,
    ...(look ? { look } : {}),
    readsInput: promptInput !== undefined,
    log,
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
