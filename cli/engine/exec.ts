import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

/** Runs argv in the container; stdout and stderr kept apart; resolves with the exit code. */
export async function execIn(
  docker: Docker,
  containerId: string,
  argv: string[],
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; stdin?: NodeJS.ReadableStream | null; workingDir?: string; user?: string; env?: string[]; signal?: AbortSignal },
): Promise<number> {
  const signal = io.signal;
  const exec = await docker.getContainer(containerId).exec({
    abortSignal: signal,
    Cmd: argv,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: Boolean(io.stdin),
    Tty: false,
    ...(io.workingDir ? { WorkingDir: io.workingDir } : {}),
    ...(io.user ? { User: io.user } : {}),
    ...(io.env ? { Env: io.env } : {}),
  });
  const stream = await exec.start({ hijack: true, stdin: Boolean(io.stdin), abortSignal: signal });
  // Once hijacked, the connection is the stream's: an abort cuts it, or a command that never ends (a frozen
  // container) would hold the caller's process open after it gave up.
  const cut = () => stream.destroy();
  signal?.addEventListener('abort', cut, { once: true });
  if (signal?.aborted) cut();
  const out = new PassThrough();
  const err = new PassThrough();
  out.pipe(io.stdout, { end: false });
  err.pipe(io.stderr, { end: false });
  docker.modem.demuxStream(stream, out, err);
  if (io.stdin) io.stdin.pipe(stream);
  await new Promise<void>((resolve, reject) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', reject);
  });
  signal?.removeEventListener('abort', cut);
  if (io.stdin) io.stdin.unpipe(stream);
  signal?.throwIfAborted();
  const inspected = await exec.inspect({ abortSignal: signal });
  return inspected.ExitCode ?? 1;
}

/**
 * Runs argv in the container and returns what it printed, with a deadline: past it (or on `signal`) the exec's
 * connection is cut and the code is 124, timeout(1)'s, with what it printed by then.
 */
export async function execCapture(
  docker: Docker,
  containerId: string,
  argv: string[],
  timeoutMs = 10_000,
  io: { stdin?: NodeJS.ReadableStream; user?: string; env?: string[]; signal?: AbortSignal } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => {
    const s = new PassThrough();
    s.on('data', (d: Buffer) => append(d.toString('utf8')));
    return s;
  };
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = io.signal ? AbortSignal.any([io.signal, deadline]) : deadline;
  try {
    const code = await execIn(docker, containerId, argv, { ...io, signal, stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)) });
    return { code, stdout, stderr };
  } catch (error) {
    if (signal.aborted) return { code: 124, stdout, stderr };
    throw error;
  }
}
