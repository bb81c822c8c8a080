import { hostname } from 'node:os';
import { isatty } from 'node:tty';
import { dirname, join } from 'node:path';
import { secretValues } from '../config/secret-names.js';
import { dropEntryTuning } from './entry-tuning.js';
import type { StartedFrom } from './startup-snapshot.js';

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
  /** Whether this process started from the image's startup snapshot of the bundle or from the bundle itself. */
  startedFrom: StartedFrom;
  /** Where signals arrive: the process itself, or any emitter in a test. */
  signals: NodeJS.EventEmitter;
  /** Writers made on first use: touching process.stdout/stdin makes streams (and may change the fds' modes) that a
   * process handing its terminal to tmux (`attach`, an SSH login) must never make. */
  stdout: { write: (text: string) => void };
  stderr: { write: (text: string) => void };
  /** Whether a file descriptor is a terminal (0, 1, 2), asked of the fd itself. */
  isTerminal: (fd: 0 | 1 | 2) => boolean;
  /** Read only by commands that take text on stdin (`agentgate prompt`), on first use. */
  stdin: () => NodeJS.ReadableStream;
}

export function readRuntime(proc: NodeJS.Process, startedFrom: StartedFrom = 'bundle'): Runtime {
  dropEntryTuning(proc.env);
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
    // From the snapshot, argv[1] is the first argument; __filename is the bundle's path when the blob was built
    // (beside it, as docker/build-snapshot.sh builds it in place).
    bundleDir: dirname(startedFrom === 'snapshot' ? __filename : (proc.argv[1] ?? __filename)),
    startedFrom,
    signals: proc,
    stdout: { write: (text) => void proc.stdout.write(text) },
    stderr: { write: (text) => void proc.stderr.write(text) },
    isTerminal: (fd) => isatty(fd),
    stdin: () => proc.stdin,
  };
}
