import { exec } from './containers.js';

/**
 * Claude offers "Make auto mode your default permission mode?" before or after a first turn when the user's
 * settings name a default mode, in a dialog no hook can answer. The supervisor settles it (as seen, keeping the
 * user's mode) before Claude starts. Call this from a waitFor probe: it throws while the dialog is on screen,
 * so a wait that would only end by answering it fails and says why.
 */
export function assertNoAutoModeOffer(container: string): void {
  const shown = exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;
  if (shown.includes('Make auto mode your default')) throw new Error(`Claude shows its auto-mode offer, which the supervisor should have settled:\n${shown}`);
}
