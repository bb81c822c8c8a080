/** One JSON log line the supervisor wrote (pino: `level`, `msg`, and the event's fields). */
export interface LogLine {
  level: string;
  msg: string;
  [field: string]: any;
}

/** The JSON log lines among `lines` (anything else, such as a command's own output, is skipped). */
export function parseLogLines(lines: readonly string[]): LogLine[] {
  return lines.flatMap((line) => {
    try {
      const entry = JSON.parse(line);
      return entry && typeof entry === 'object' && typeof entry.msg === 'string' ? [entry as LogLine] : [];
    } catch {
      return [];
    }
  });
}
