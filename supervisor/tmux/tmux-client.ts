import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { type ResultPromise, execa } from 'execa';

/**
 * Runs one tmux client command with -N (a client never starts a server of its own) and a deadline; never
 * throws. `input` is the client's stdin (`load-buffer -`): text that must not be in argv.
 */
export async function runTmuxClient(
  env: Readonly<Record<string, string | undefined>>,
  args: string[],
  timeoutMs: number,
  input?: string,
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  const stdin = input === undefined ? { stdin: 'ignore' as const } : { input };
  const child = execa('tmux', ['-N', ...args], { env, extendEnv: false, ...stdin, reject: false });
  const timer = setTimeout(() => abandon(child), timeoutMs);
  const result = await child;
  clearTimeout(timer);
  return { ok: result.exitCode === 0, stdout: String(result.stdout), stderr: String(result.stderr).trim() };
}

/**
 * Ends a tmux client at its deadline. A client answers SIGTERM by telling its server and waiting for the
 * reply, and it hands its stdout to the server over the socket: against a frozen server neither the process
 * nor its pipes would ever end. SIGKILL, and dropping the pipes, end both.
 */
export function abandon(child: ResultPromise): void {
  child.kill('SIGKILL');
  child.stdout?.destroy();
  child.stderr?.destroy();
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
