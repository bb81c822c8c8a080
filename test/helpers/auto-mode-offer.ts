import { exec } from './containers.js';

/**
 * Claude may offer "Make auto mode your default permission mode?" before or after a first turn, in a dialog
 * that refuses keys for a moment after it opens and shows its choices without numbers. A person keeps manual
 * mode: moves to "No, keep manual mode" and confirms. Call this from a waitFor probe: each call does at most
 * one step, and only while the dialog is on screen.
 */
export function keepManualMode(container: string): () => void {
  let lastMs = 0;
  return () => {
    const shown = exec(container, ['tmux', 'capture-pane', '-p', '-t', 'agent']).stdout;
    if (Date.now() - lastMs < 700 || !shown.includes('Make auto mode your default')) return;
    lastMs = Date.now();
    const onKeep = /❯\s*No, keep manual/.test(shown);
    exec(container, ['tmux', 'send-keys', '-t', 'agent', onKeep ? 'Enter' : 'Down']);
  };
}
