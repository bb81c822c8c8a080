import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';

/** Runs argv in the container; stdout and stderr kept apart; resolves with the exit code. */
export async function execIn(
  docker: Docker,
  containerId: string,
  argv: string[],
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; stdin?: NodeJS.ReadableStream | null; workingDir?: string; user?: string; env?: string[] },
): Promise<number> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: argv,
    AttachStdout: true,
    AttachStderr: true,
    AttachStdin: Boolean(io.stdin),
    Tty: false,
    ...(io.workingDir ? { WorkingDir: io.workingDir } : {}),
    ...(io.user ? { User: io.user } : {}),
    ...(io.env ? { Env: io.env } : {}),
  });
  const stream = await exec.start({ hijack: true, stdin: Boolean(io.stdin) });
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
  if (io.stdin) io.stdin.unpipe(stream);
  const inspected = await exec.inspect();
  return inspected.ExitCode ?? 1;
}

/** Runs argv in the container and returns what it printed, with a deadline. */
export async function execCapture(
  docker: Docker,
  containerId: string,
  argv: string[],
  timeoutMs = 10_000,
  io: { stdin?: NodeJS.ReadableStream; user?: string; env?: string[] } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => {
    const s = new PassThrough();
    s.on('data', (d: Buffer) => append(d.toString('utf8')));
    return s;
  };
  const run = execIn(docker, containerId, argv, { ...io, stdout: sink((t) => (stdout += t)), stderr: sink((t) => (stderr += t)) });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<number>((resolve) => (timer = setTimeout(() => resolve(124), timeoutMs)));
  const code = await Promise.race([run, deadline]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}
