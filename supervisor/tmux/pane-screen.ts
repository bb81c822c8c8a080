/** What the agent's pane shows now: its size, the cursor, and its visible lines with their colours (SGR escapes). */
export interface PaneScreen {
  cols: number;
  rows: number;
  cursor: { x: number; y: number };
  /** The visible lines, `\n`-separated, with tmux's SGR escapes for colours and attributes (`capture-pane -e`). */
  text: string;
}

type TmuxCommand = (args: string[], timeoutMs?: number) => Promise<{ ok: boolean; stdout: string; stderr: string }>;

/**
 * One tmux client call (`display-message ; capture-pane`), so the size and the lines describe the same moment.
 * Null when the pane is gone.
 */
export async function capturePaneScreen(command: TmuxCommand, target: string, timeoutMs = 2000): Promise<PaneScreen | null> {
  const result = await command(['display-message', '-p', '-t', target, '#{pane_width} #{pane_height} #{cursor_x} #{cursor_y}', ';', 'capture-pane', '-p', '-e', '-t', target], timeoutMs);
  if (!result.ok) return null;
  const newline = result.stdout.indexOf('\n');
  const [cols, rows, x, y] = result.stdout.slice(0, newline).split(' ').map(Number);
  if (!cols || !rows) return null;
  // capture-pane ends every line with a newline; the client's output arrives without its last one.
  const text = result.stdout.slice(newline + 1);
  return { cols, rows, cursor: { x: x ?? 0, y: y ?? 0 }, text };
}
