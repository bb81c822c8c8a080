import { statSync } from 'node:fs';
import { join } from 'node:path';

/** Variables that log Claude Code in without a credentials file. */
const CREDENTIAL_VARIABLES = ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_OAUTH_TOKEN', 'ANTHROPIC_AUTH_TOKEN'] as const;

/**
 * True when Claude Code has a credential: one of the variables, or a non-empty credentials file in its state
 * dir (a compose secret copied there, or a login done in the session). Looked at again on each health
 * report, so a login done by attaching shows at once.
 */
export function claudeHasCredentials(env: Record<string, string | undefined>, stateDir: string): boolean {
  if (CREDENTIAL_VARIABLES.some((name) => (env[name] ?? '') !== '')) return true;
  try {
    return statSync(join(stateDir, '.credentials.json')).size > 0;
  } catch {
    return false;
  }
}

/** What to do, for the log and `status`. */
export function loginHint(attachCommand: string): string {
  return (
    `attach (${attachCommand}) and follow Claude's login prompt: the login is kept in ` +
    `the state volume; or set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN, or give a credentials file ` +
    `(compose: CLAUDE_CREDENTIALS_FILE=~/.claude/.credentials.json)`
  );
}
