import { type ChildProcess, spawn } from 'node:child_process';

/** What is kept of each output stream; a tmux capture of a whole screen is a few KiB. */
const MAX_OUTPUT_BYTES = 1024 * 1024;

export interface ProcessResult {
  ok: boolean;
  /** Null when the process did not exit by itself (it never started, or it was killed). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Why it did not run or finish: the spawn error's code (`ENOENT`), or `ETIMEDOUT` at the deadline. */
  errorCode: string | null;
}

export interface RunningProcess {
  /** Null when it could not be started at all (the result says why). */
  child: ChildProcess | null;
  result: Promise<ProcessResult>;
  /** SIGKILL, and its pipes dropped: see `abandon`. */
  abandon: () => void;
}

export interface ProcessOptions {
  env: Readonly<Record<string, string | undefined>>;
  /** null: no deadline (a server, or a waiter its owner cancels). */
  timeoutMs: number | null;
  /** The process's stdin; without it stdin is /dev/null. */
  input?: string;
  /** 'ignore' for a long-lived process whose stdout nobody reads: no pipe that another process could inherit. */
  stdout?: 'pipe' | 'ignore';
}

/**
 * One process the supervisor starts for itself (a tmux client, `git config`, `mkfifo`, with a deadline; the tmux
 * server and its `wait-for` clients, without one); never throws.
 *
 * Why not execa, which still runs sshd and command mode's command: the supervisor runs interpreted
 * (`--lite-mode`), and execa's JavaScript per call costs about 2.5 ms of CPU more than `child_process.spawn`
 * (4.4 against 1.8 ms for one tmux client, measured in lite mode). The stop path and the way to ready start
 * several such processes, and on a 2-core machine with ten agents starting that CPU is the time.
 */
export function startProcess(file: string, args: readonly string[], options: ProcessOptions): RunningProcess {
  let child: ChildProcess;
  try {
    child = spawn(file, args, { env: options.env as NodeJS.ProcessEnv, stdio: [options.input === undefined ? 'ignore' : 'pipe', options.stdout ?? 'pipe', 'pipe'] });
  } catch (error) {
    // spawn throws, instead of emitting 'error', for E2BIG (an argument over 128 KiB), a NUL in an argument, ENOMEM.
    const errorCode = (error as NodeJS.ErrnoException).code ?? 'ERROR';
    return { child: null, result: Promise.resolve({ ok: false, exitCode: null, signal: null, stdout: '', stderr: String(error), errorCode }), abandon: () => undefined };
  }
  const stdout = collect(child.stdout);
  const stderr = collect(child.stderr);
  if (options.input !== undefined && child.stdin) {
    child.stdin.on('error', () => undefined); // a process that exits without reading its input
    child.stdin.end(options.input);
  }
  let errorCode: string | null = null;
  const result = new Promise<ProcessResult>((resolve) => {
    const timer =
      options.timeoutMs === null
        ? undefined
        : setTimeout(() => {
            errorCode = 'ETIMEDOUT';
            abandon(child);
          }, options.timeoutMs);
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      resolve({
        ok: exitCode === 0 && errorCode === null,
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString(),
        stderr: Buffer.concat(stderr).toString(),
        errorCode,
      });
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      // A process that could not start emits no 'close' of its own in every Node version: finish here. Later
      // errors (a kill that failed) change nothing: 'close' still comes.
      errorCode ??= error.code ?? 'ERROR';
      if (child.pid === undefined) finish(null, null);
    });
    child.once('close', (code, signal) => finish(code, signal));
  });
  return { child, result, abandon: () => abandon(child) };
}

/** At most MAX_OUTPUT_BYTES of a stream: a helper that writes without end (a long-lived server's stderr) cannot grow the supervisor. */
function collect(stream: NodeJS.ReadableStream | null): Buffer[] {
  const chunks: Buffer[] = [];
  let size = 0;
  stream?.on('error', () => undefined); // a pipe that breaks ends the output; 'close' still comes
  stream?.on('data', (chunk: Buffer) => {
    if (size >= MAX_OUTPUT_BYTES) return;
    chunks.push(chunk.subarray(0, MAX_OUTPUT_BYTES - size));
    size += chunk.length;
  });
  return chunks;
}

export function runProcess(file: string, args: readonly string[], options: ProcessOptions & { timeoutMs: number }): Promise<ProcessResult> {
  return startProcess(file, args, options).result;
}

/**
 * Ends a helper at its deadline. A tmux client answers SIGTERM by telling its server and waiting for the
 * reply, and it hands its stdout to the server over the socket: against a frozen server neither the process
 * nor its pipes would ever end. SIGKILL, and dropping the pipes, end both ('close' then comes).
 */
function abandon(child: ChildProcess): void {
  child.kill('SIGKILL');
  child.stdout?.destroy();
  child.stderr?.destroy();
}
