import { constants as osConstants } from 'node:os';
import type { EventEmitter } from 'node:events';
import type { execa as Execa } from 'execa';
import { EXIT, exitCodeForSignal } from '../errors.js';
import type { Logger } from '../log/logger.js';

/**
 * Every signal a Node process can catch and pass on. SIGKILL and SIGSTOP cannot be caught; SIGBUS,
 * SIGFPE, SIGSEGV and SIGILL are the process's own faults, never requests to forward.
 */
export const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGPIPE', 'SIGALRM',
  'SIGWINCH', 'SIGCONT', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGVTALRM', 'SIGPROF', 'SIGXCPU', 'SIGXFSZ',
];

/**
 * Command mode: runs `argv` with stdio inherited, forwards every catchable signal to it and resolves with its
 * exit code, or 128+N when signal N killed it (tini's contract). 127: not found; 126: not executable.
 */
export async function runCommand(options: {
  argv: readonly string[];
  cwd: string;
  env: Record<string, string | undefined>;
  signals: EventEmitter;
  log: Logger;
}): Promise<number> {
  const [file, ...args] = options.argv as [string, ...string[]];
  const { execa } = await import('execa'); // before the handlers: nothing may come between them and the start
  // The handlers go in before the command starts: one that came between its start and their install would
  // kill the supervisor (or be lost, for the signals Node ignores). They run on a later tick, once `child` is set.
  let child: ReturnType<typeof startCommand> | undefined;
  const forward = (signal: NodeJS.Signals) => child?.kill(signal);
  for (const signal of FORWARDED_SIGNALS) options.signals.on(signal, forward);
  child = startCommand(execa, file, args, options);
  options.log.debug({ pid: child.pid, file }, 'command started');
  const result = await child;
  for (const signal of FORWARDED_SIGNALS) options.signals.off(signal, forward);

  if (result.signal) return exitCodeForSignal(osConstants.signals[result.signal]);
  if (typeof result.exitCode === 'number') return result.exitCode;
  const code = (result as { code?: string }).code;
  if (code === 'ENOENT') {
    options.log.error({ file }, 'command not found');
    return EXIT.NOT_FOUND;
  }
  options.log.error({ file, code }, 'command could not be executed');
  return EXIT.CANNOT_EXECUTE;
}

function startCommand(execa: typeof Execa, file: string, args: readonly string[], options: { cwd: string; env: Record<string, string | undefined> }) {
  return execa(file, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    stdio: 'inherit',
    reject: false,
    forceKillAfterDelay: false,
  });
}
