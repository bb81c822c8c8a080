import { type DestinationStream, type Logger, pino } from 'pino';
import { scrubSecrets } from '../config/secret-names.js';
import { forComponent } from './component.js';
import { formatPrettyLine } from './pretty-line.js';

export type { Logger };

export interface LoggerOptions {
  level: string;
  format: 'json' | 'pretty';
  /** Values that must never be written, whatever field or message they end up in. */
  secrets: readonly string[];
  /** Where lines go; stdout by default (pino transports use worker threads, which a one-file bundle cannot). */
  write?: (line: string) => void;
  /** The file descriptor written when `write` is not given: 1, or 2 in command mode (stdout is the command's). */
  fd?: 1 | 2;
}

/** The root logger: JSON lines (or pretty lines) with every secret value scrubbed before writing. */
export function createLogger(options: LoggerOptions): Logger {
  // Synchronous writes: the last line before process.exit must not be lost (sonic-boom retries EAGAIN).
  const destination = options.write ? null : pino.destination({ dest: options.fd ?? 1, sync: true });
  const write = options.write ?? ((line: string) => destination?.write(line));
  const stream: DestinationStream = {
    write(line: string) {
      const safe = scrubSecrets(line, options.secrets);
      write(options.format === 'pretty' ? formatPrettyLine(safe) : safe);
    },
  };
  const root = pino(
    {
      level: options.level,
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  return forComponent(root, 'supervisor');
}
