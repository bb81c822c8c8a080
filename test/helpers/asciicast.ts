import { readFileSync } from 'node:fs';
import xterm from '@xterm/headless';

/** Plays an asciicast v2 file into a terminal emulator and returns its screen, one string per row, trailing blanks cut. */
export async function replay(file: string): Promise<{ header: Record<string, unknown>; screen: string[]; resizes: string[] }> {
  const [headerLine, ...eventLines] = readFileSync(file, 'utf8').trim().split('\n');
  const header = JSON.parse(headerLine as string);
  const term = new xterm.Terminal({ cols: header.width, rows: header.height, allowProposedApi: true });
  const resizes: string[] = [];
  for (const line of eventLines) {
    const [, type, data] = JSON.parse(line) as [number, string, string];
    if (type === 'o') await new Promise<void>((resolve) => term.write(data, resolve));
    if (type === 'r') {
      resizes.push(data);
      const [cols, rows] = data.split('x').map(Number);
      term.resize(cols as number, rows as number);
    }
  }
  const buffer = term.buffer.active;
  const screen = Array.from({ length: term.rows }, (_, i) => buffer.getLine(buffer.viewportY + i)?.translateToString(true) ?? '');
  while (screen.length > 0 && screen[screen.length - 1] === '') screen.pop();
  term.dispose();
  return { header, screen, resizes };
}
