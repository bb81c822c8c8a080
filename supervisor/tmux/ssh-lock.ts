/**
 * The tmux session SSH logins attach to, as tmux commands: pure, so that what a login can reach is unit-tested.
 *
 * A tmux client's keys reach tmux commands through the prefix key, the root key table and the mouse, all of
 * which are options of the client's session. SSH logins therefore never attach to the agent's session but to
 * a session of their own, grouped with it (it shows the agent's window), where the prefix is None, the key
 * table is one that nothing binds, and the mouse is off: every key goes to the agent's pane. The session
 * kills itself if it ever shows another window (someone killed the agent's window), so a login never lands
 * in a window of someone else's.
 */

/** The session SSH logins attach to, next to the agent's session `session`. */
export function sshSessionName(session: string): string {
  return `${session}-ssh`;
}

/** A key table nothing binds: the locked session's root table. */
export const LOCKED_KEY_TABLE = 'agentgate-locked';

/**
 * The commands that make the locked session `locked`, grouped with `session`, showing the window `windowId`
 * (`@N`). Run as one command list: the server runs a list to its end before any other client's command, so no
 * login can attach before the last option is set.
 */
export function lockedSessionCommands(session: string, locked: string, windowId: string): string[][] {
  // `=name:` is the exact session: option commands take a pane target, where a bare `=name` finds nothing.
  const target = `=${locked}:`;
  return [
    ['new-session', '-d', '-s', locked, '-t', `=${session}`],
    ['select-window', '-t', `${target}${windowId}`],
    ['set-option', '-t', target, 'prefix', 'None'],
    ['set-option', '-t', target, 'prefix2', 'None'],
    ['set-option', '-t', target, 'key-table', LOCKED_KEY_TABLE],
    ['set-option', '-t', target, 'mouse', 'off'],
    // When the session goes, its clients are detached (the login ends) instead of moved to another session.
    ['set-option', '-t', target, 'detach-on-destroy', 'on'],
    ['set-hook', '-t', target, 'session-window-changed', `kill-session -t =${locked}`],
  ];
}

/**
 * A pane hook for the agent's pane: a mode other than copy mode (choose-tree, customize, ...) is closed at
 * once. Those modes act on keys of whichever client types (`:` opens a command prompt), so one left open
 * over the agent's pane would hand tmux commands to SSH logins. Copy and view mode only move and copy.
 */
export function paneModeGuard(paneId: string): string[] {
  const foreign = '#{&&:#{pane_in_mode},#{&&:#{!=:#{pane_mode},copy-mode},#{!=:#{pane_mode},view-mode}}}';
  return ['set-hook', '-p', '-t', paneId, 'pane-mode-changed', `if-shell -F '${foreign}' 'copy-mode -q -t ${paneId}'`];
}
