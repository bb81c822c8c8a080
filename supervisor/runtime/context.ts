import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { secretValues } from '../config/secret-names.js';

/**
 * The facts of the host, read once at start and handed to every command: nothing below main.ts reads
 * process.env, process.getuid or the signals itself, so a test can give a command a runtime of its own.
 */
export interface Runtime {
  env: Readonly<Record<string, string | undefined>>;
  /** Every secret value in the environment: scrubbed from whatever leaves the supervisor. */
  secrets: readonly string[];
  uid: number;
  gid: number;
  pid: number;
  hostname: string;
  /** Where the running supervisor writes its health URL and FIFO (per container: /tmp is the container's own). */
  runtimeDir: string;
  /** TMUX_TMPDIR: where tmux keeps this uid's socket. */
  tmuxTmpDir: string;
  /** The directory of the running bundle (the proxy's bundle lies beside it). */
  bundleDir: string;
  /** Where signals arrive: the process itself, or any emitter in a test. */
  signals: NodeJS.EventEmitter;
  stdout: { write: (text: string) => unknown; isTTY?: boolean };
  stderr: { write: (text: string) => unknown; isTTY?: boolean };
  stdinIsTTY: boolean;
  /** Read only by commands that take text on stdin (`agentgate prompt`). */
  stdin: NodeJS.ReadableStream;
}

export function readRuntime(proc: NodeJS.Process): Runtime {
  const env = { ...proc.env };
  const tmuxTmpDir = env.TMUX_TMPDIR || '/tmp';
  return {
    env,
    secrets: secretValues(env),
    uid: proc.getuid?.() ?? 0,
    gid: proc.getgid?.() ?? 0,
    pid: proc.pid,
    hostname: hostname(),
    runtimeDir: join(tmuxTmpDir, 'agentgate'),
    tmuxTmpDir,
    bundleDir: dirname(proc.argv[1] ?? __filename),
    signals: proc,
    stdout: proc.stdout,
    stderr: proc.stderr,
    stdinIsTTY: Boolean(proc.stdin.isTTY),
    stdin: proc.stdin,
  };
}
