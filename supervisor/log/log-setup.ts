import { settingIfSet } from '../config/lenient.js';
import type { Runtime } from '../runtime/context.js';
import { type Logger, createLogger } from './logger.js';

/**
 * The supervisor's logger for a run: JSON lines on stdout for `docker logs`; in command mode stdout belongs
 * to the command, so the supervisor speaks on stderr, at `warn` unless asked, and as text above a terminal
 * (`docker run -it img bash`) unless JSON is asked for.
 */
export function setUpLogging(runtime: Runtime, commandMode: boolean): { log: Logger; forPeople: boolean; withLevel: (level: string) => Logger } {
  const askedFormat = settingIfSet(runtime.env, 'LOG_FORMAT');
  const askedLevel = settingIfSet(runtime.env, 'LOG_LEVEL');
  const peopleAtTerminal = commandMode && runtime.isTerminal(2) && askedFormat !== 'json';
  const format = askedFormat === 'pretty' || peopleAtTerminal ? 'pretty' : 'json';
  const fd = commandMode ? 2 : 1;
  const quietLevel = commandMode && askedLevel === undefined ? 'warn' : null;
  const withLevel = (level: string) => createLogger({ level: quietLevel ?? level, format, secrets: runtime.secrets, fd });
  // A terminal gets errors as text; `docker logs` gets JSON lines.
  return { log: withLevel('info'), forPeople: format === 'pretty' || runtime.isTerminal(2), withLevel };
}
