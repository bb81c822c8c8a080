/** Turns one pino JSON line into `HH:MM:SS level component event key=value ...` for people reading a terminal. */
export function formatPrettyLine(jsonLine: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine;
  }
  const { time, level, component, msg, ...fields } = entry;
  const clock = typeof time === 'string' ? time.slice(11, 19) : '';
  const rest = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${clock} ${String(level).padEnd(5)} ${String(component ?? '')} ${String(msg ?? '')}${rest ? ` ${rest}` : ''}\n`;
}
