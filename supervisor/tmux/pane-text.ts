import { constants as osConstants } from 'node:os';
import type { PaneState } from './tmux-server.js';

/** `list-panes` line `dead status signal pid pane` as the pane's state. Pure. */
export function parsePaneLine(line: string): PaneState {
  const [dead, status, signal, pid] = line.split(' ');
  const signalNumber = signal ? Number(signal) : null;
  return {
    dead: dead === '1',
    exitCode: status ? Number(status) : null,
    signalNumber,
    signal: signalNumber === null ? null : signalName(signalNumber),
    pid: Number(pid),
  };
}

/**
 * The last non-blank lines of a captured pane, at most `maxLines` of at most 200 characters each, without the
 * exit message tmux adds: why the agent died, in its own words. Pure.
 */
export function lastScreenLines(captured: string, maxLines: number): string[] {
  return captured
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '' && !line.startsWith('[agentgate] agent exited'))
    .slice(-maxLines)
    .map((line) => (line.length > 200 ? `${line.slice(0, 199)}…` : line));
}

function signalName(signalNumber: number): NodeJS.Signals | null {
  const entry = Object.entries(osConstants.signals).find(([, n]) => n === signalNumber);
  return entry ? (entry[0] as NodeJS.Signals) : null;
}
