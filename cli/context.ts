import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import type Docker from 'dockerode';

/** The host's facts, read once by main.ts and handed to every command. */
export interface HostContext {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  home: string;
  uid: number;
  gid: number;
  /** The clone this command was installed from: the image is built from its docker/Dockerfile. */
  repoRoot: string;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Where Ctrl-C arrives. */
  signals: NodeJS.EventEmitter;
  /** The Docker engine, connected on first use (a command that needs none never waits for one). */
  engine: () => Promise<Docker>;
}

export function readHostContext(proc: NodeJS.Process): HostContext {
  let engine: Promise<Docker> | null = null;
  const env = { ...proc.env };
  return {
    env,
    cwd: proc.cwd(),
    home: env.HOME || homedir(),
    uid: proc.getuid?.() ?? 0,
    gid: proc.getgid?.() ?? 0,
    // dist/agentgate.cjs lives in the clone: npm install -g . links the command to it, so follow the link.
    repoRoot: resolve(dirname(realPath(proc.argv[1] ?? __filename)), '..'),
    stdout: proc.stdout,
    stderr: proc.stderr,
    stdin: proc.stdin,
    signals: proc,
    // Loaded on first use: the engine client is most of this command's code, and --version or help need none of it.
    engine: () => (engine ??= import('./engine/connect.js').then(({ connectEngine }) => connectEngine(env))),
  };
}

/** Something for people on stderr. */
export function say(context: Pick<HostContext, 'stderr'>, text: string): void {
  context.stderr.write(`${text}\n`);
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
