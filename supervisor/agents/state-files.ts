import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where an agent keeps its state inside the state volume: `<stateDir>/<sub>`, unless the variable names another
 * place. The image sets the variable to the default state dir's subdir; that value follows a state dir that had
 * to move (as CLAUDE_CONFIG_DIR does).
 */
export function stateSubdir(given: string | undefined, sub: string, stateDir: string, configuredStateDir: string): string {
  return given === undefined || given === join(configuredStateDir, sub) ? join(stateDir, sub) : given;
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
