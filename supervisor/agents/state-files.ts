import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The image's state dir, where its ENV points CODEX_HOME and the like. */
export const IMAGE_STATE_DIR = '/home/agentgate/.claude';

/**
 * Where an agent keeps its state inside the state volume: `<stateDir>/<sub>`, unless the variable names another
 * place. The image sets the variable to its own state dir's subdir; that value follows the state dir wherever it
 * is (AGENTGATE_STATE_DIR, or a private one when it had to move).
 */
export function stateSubdir(given: string | undefined, sub: string, stateDir: string, configuredStateDir: string): string {
  const followed = given === undefined || given === join(configuredStateDir, sub) || given === join(IMAGE_STATE_DIR, sub);
  return followed ? join(stateDir, sub) : given;
}

/** True when a file exists and holds something: a credential file written by a login. */
export function nonEmptyFile(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}

/** True when a directory exists and has any entry: a history of conversations to resume. */
export function hasEntries(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/** True when any of the variables is set to a non-empty value. */
export function anySet(env: Readonly<Record<string, string | undefined>>, names: readonly string[]): boolean {
  return names.some((name) => (env[name] ?? '') !== '');
}
