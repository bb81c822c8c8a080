/**
 * OpenCode's start screen (the pinned OPENCODE_VERSION), as `tmux capture-pane` shows it: its logo, and under it its
 * input box, whose placeholder shows only while the box is empty:
 *
 *     █▀▀█ █▀▀█ █▀▀█ █▀▀▄ █▀▀▀ █▀▀█ █▀▀█ █▀▀█
 *     ...
 *     ┃  Ask anything… "Fix a TODO in the codebase"
 *     ┃  Build · <model> <provider>
 *                                  tab agents  ctrl+p commands
 *
 * A submitted prompt leaves this screen for the session's (no logo, no placeholder); typed text replaces the
 * placeholder; a dialog (`/models`, `/connect`, ...) is drawn over it with `esc` to close it.
 */
const LOGO = '\u2588\u2580\u2580\u2588 \u2588\u2580\u2580\u2588 \u2588\u2580\u2580\u2588 \u2588\u2580\u2580\u2584';
const PLACEHOLDER = /\u2503\s+Ask anything\u2026 "/;
const DIALOG = /\besc\b/;

/**
 * `empty` only on that start screen with its input empty and no dialog: nothing typed there and nothing submitted
 * in this run, so a first prompt typed into it was lost (typed before its input took keys) and is typed again.
 * Anything else is null: the text may still be there, or taken, or a dialog would take it.
 */
export function opencodePromptInput(screenLines: readonly string[]): 'empty' | null {
  const logo = screenLines.some((line) => line.includes(LOGO));
  const placeholder = screenLines.some((line) => PLACEHOLDER.test(line));
  return logo && placeholder && !screenLines.some((line) => DIALOG.test(line)) ? 'empty' : null;
}
