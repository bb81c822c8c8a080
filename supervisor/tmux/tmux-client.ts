import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { runProcess, startProcess } from '../runtime/run-process.js';

/**
 * Runs one tmux client command with -N (a client never starts a server of its own) and a deadline; never
 * throws. `input` is the client's stdin (`load-buffer -`): text that must not be in argv. At the deadline the
 * client is killed and its pipes dropped (see run-process.ts: a client against a frozen server never ends).
 */
export interface TmuxAnswer {
  ok: boolean;
  /** The client ended by itself (tmux answered, maybe with an error); false at the deadline or when it could not start. */
  answered: boolean;
  stdout: string;
  stderr: string;
}

export async function runTmuxClient(
  env: Readonly<Record<string, string | undefined>>,
  args: string[],
  timeoutMs: number,
  input?: string,
): Promise<TmuxAnswer> {
  const result = await runProcess('tmux', ['-N', ...args], { env, timeoutMs, ...(input === undefined ? {} : { input }) });
  // Without its final newline, as the callers read it (capture-pane's last line ends with one).
  return { ok: result.ok, answered: result.exitCode !== null, stdout: result.stdout.replace(/\r?\n$/, ''), stderr: result.stderr.trim() };
}

/** A `wait-for` client: resolves when the channel is signalled (or the server goes); `cancel` kills it. */
export function waitForChannel(env: Readonly<Record<string, string | undefined>>, channel: string): { done: Promise<void>; cancel: () => void } {
  // No deadline of its own: it waits as long as the agent runs, and its owner cancels it.
  const client = startProcess('tmux', ['-N', 'wait-for', channel], { env, timeoutMs: null });
  return { done: client.result.then(() => undefined), cancel: client.abandon };
}

const TERMINFO_DIRS = ['/usr/share/terminfo', '/lib/terminfo', '/etc/terminfo', '/usr/lib/terminfo'];

/** tmux-256color when its terminfo entry is installed, otherwise screen-256color, which every ncurses has. */
export function pickTerminal(): string {
  const found = TERMINFO_DIRS.some((dir) => existsSync(`${dir}/t/tmux-256color`) || existsSync(`${dir}/74/tmux-256color`));
  return found ? 'tmux-256color' : 'screen-256color';
}

/** True when something accepts a connection on the unix socket within a second (a stale socket refuses). */
export function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (answers: boolean) => {
      socket.destroy();
      resolve(answers);
    };
    socket.setTimeout(1000, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
