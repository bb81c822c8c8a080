import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Changes Claude's own state file (.claude.json in its config dir), keeping everything else in it. `change`
 * edits the parsed object and says whether it changed anything. Written beside and renamed: Claude may read the
 * file at any moment, and must never see half of it. Returns false when the file could not be written.
 */
export function updateClaudeState(configDir: string, change: (state: Record<string, unknown>) => boolean): boolean {
  const file = join(configDir, '.claude.json');
  let state: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) state = parsed as Record<string, unknown>;
  } catch {
    // no file yet (or not JSON, which Claude would replace too): start from an empty state
  }
  if (!change(state)) return true;
  try {
    const temp = `${file}.agentgate-${process.pid}`;
    writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, file);
    return true;
  } catch {
    return false;
  }
}

/**
 * After a first turn Claude may ask "Make auto mode your default permission mode?", a dialog no hook or
 * decision can answer: an unattended agent would sit in it, and a prompt typed then would answer it. Claude
 * asks once and remembers the answer as `hasSeenAutoDefaultNudge`; this records "seen" (the dialog's own "not
 * now"), which keeps the mode the user's settings give. Auto mode stays available: choose it with
 * `permissions.defaultMode: "auto"` in Claude's settings, or with Shift-Tab in the session.
 */
export function settleAutoModeOffer(configDir: string): boolean {
  return updateClaudeState(configDir, (state) => {
    if (state.hasSeenAutoDefaultNudge === true) return false;
    state.hasSeenAutoDefaultNudge = true;
    return true;
  });
}
