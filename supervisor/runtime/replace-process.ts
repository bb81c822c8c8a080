import { findExecutable } from './find-executable.js';

type Execve = (file: string, args: string[], env: Record<string, string | undefined>) => never;

/**
 * Becomes `program` (execve, Node 22.15 and later): the caller's memory is given back and the program takes
 * its place, pid and terminal included. Where Node has no execve (Node 20), runs it with the terminal
 * inherited and resolves with its exit code. A program that is not on PATH resolves with 127.
 */
export async function replaceOrRun(program: string, args: string[], env: Record<string, string | undefined>): Promise<number> {
  const path = findExecutable(program, env.PATH ?? '');
  if (!path) return 127;
  const execve = (process as unknown as { execve?: Execve }).execve;
  if (typeof execve === 'function') {
    const clean = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
    execve.call(process, path, [program, ...args], clean);
  }
  const { execa } = await import('execa'); // loaded only where Node has no execve
  const run = await execa(path, args, { env, extendEnv: false, stdio: 'inherit', reject: false });
  return run.exitCode ?? 1;
}
