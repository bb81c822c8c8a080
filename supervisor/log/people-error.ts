import { scrubSecrets } from '../config/secret-names.js';

/**
 * A fatal error as people read it in a terminal: `agentgate: ` and the message, its own lines kept,
 * secrets scrubbed. Used where JSON would be noise (a terminal, `status`, `health`, `attach`).
 */
export function formatErrorForPeople(message: string, secrets: readonly string[]): string {
  return `agentgate: ${scrubSecrets(message, secrets)}\n`;
}

/** What to do about a bug: the log line holds what a report needs. */
export const INTERNAL_ERROR_HINT = 'a bug in agentgate: report it with this log line';

/**
 * The last-resort line for an error that escaped every handler: one JSON line, scrubbed like every other
 * line the supervisor writes (a stack can hold an environment value or a command line with a key).
 */
export function formatFatalLine(event: string, error: unknown, secrets: readonly string[]): string {
  const detail = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  const line = JSON.stringify({ level: 'fatal', time: new Date().toISOString(), component: 'supervisor', msg: 'internal error', event, err: detail, hint: INTERNAL_ERROR_HINT });
  return `${scrubSecrets(line, secrets)}\n`;
}
