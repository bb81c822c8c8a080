import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CliError, UsageError } from './errors.js';
import { nameFromDirectory } from './names.js';

const run = promisify(execFile);

/** A git URL rather than a directory: scheme://, scp-like user@host:path, or a path ending in .git that is no directory. */
export function isGitUrl(target: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) return true;
  if (/^[\w.-]+@[\w.-]+:/.test(target)) return true;
  return target.endsWith('.git') && !existsSync(target);
}

/** Where `up` keeps what it makes on the host: clones and worktrees. */
export function agentgateHome(env: Readonly<Record<string, string | undefined>>, home: string): string {
  return env.AGENTGATE_HOME || join(home, '.agentgate');
}

/** A directory that exists, as an absolute path, with its owner. */
export function checkDirectory(dir: string, cwd: string): { path: string; uid: number; gid: number } {
  const path = resolve(cwd, dir);
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new CliError(`${path} does not exist (${(error as NodeJS.ErrnoException).code})`, 1, `give a directory that exists, or a git URL to clone (relative paths are resolved from ${cwd})`);
  }
  if (!stat.isDirectory()) throw new CliError(`${path} is not a directory`, 1, 'give the project directory, not a file in it');
  return { path, uid: stat.uid, gid: stat.gid };
}

/** Clones a URL into the managed repos directory (or reuses the clone made before); resolves with its path. */
export async function cloneRepository(url: string, reposDir: string, progress: (line: string) => void): Promise<string> {
  const name = nameFromDirectory(basename(url.replace(/\/+$/, '')).replace(/\.git$/, ''));
  const dest = join(reposDir, name);
  if (existsSync(join(dest, '.git'))) {
    const origin = await run('git', ['-C', dest, 'remote', 'get-url', 'origin']).then((r) => r.stdout.trim(), () => '');
    if (origin !== url) throw new CliError(`${dest} already holds a clone of ${origin || 'another repository'}`, 1, `remove ${dest}, or clone ${url} yourself and run agentgate up <that directory>`);
    progress(`using the clone in ${dest}`);
    return dest;
  }
  mkdirSync(reposDir, { recursive: true });
  progress(`cloning ${url} into ${dest}`);
  // `--` first: a URL that starts with "-" is a URL, never an option.
  await run('git', ['clone', '--quiet', '--', url, dest], { timeout: 600_000 }).catch((error: { stderr?: string; message: string }) => {
    throw new CliError(`git clone ${url} failed: ${(error.stderr || error.message).trim().split('\n').pop()}`, 1, 'check the URL and that git on this host can reach it (try: git ls-remote <url>)');
  });
  return dest;
}

/**
 * N git worktrees of the repository at `dir`, each on its own branch agentgate/<name>-<i>, so that several
 * agents work on one repository without stepping on each other. Made once; reused after.
 */
export async function makeWorktrees(dir: string, name: string, count: number, worktreesDir: string, progress: (line: string) => void): Promise<Array<{ name: string; path: string }>> {
  if (!Number.isInteger(count) || count < 1 || count > 32) throw new UsageError(`--worktrees ${count}: expected a number from 1 to 32`);
  // The user named this repository: git's ownership check (a repository of another uid) does not apply.
  const git = (args: string[]) => run('git', ['-c', 'safe.directory=*', ...args]);
  const top = await git(['-C', dir, 'rev-parse', '--show-toplevel']).then((r) => r.stdout.trim(), () => null);
  if (!top) throw new CliError(`${dir} is not a git repository: --worktrees needs one`, 1, 'run git init there (and commit), or leave out --worktrees');
  const made: Array<{ name: string; path: string }> = [];
  for (let i = 1; i <= count; i += 1) {
    const worktreeName = `${name}-${i}`;
    const path = join(worktreesDir, worktreeName);
    if (!existsSync(path)) {
      mkdirSync(worktreesDir, { recursive: true });
      const branch = `agentgate/${worktreeName}`;
      const exists = await git(['-C', top, 'rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]).then(() => true, () => false);
      const args = exists ? ['-C', top, 'worktree', 'add', '--', path, branch] : ['-C', top, 'worktree', 'add', '-b', branch, '--', path];
      await git(args).catch((error: { stderr?: string; message: string }) => {
        throw new CliError(`git worktree add for ${worktreeName} failed: ${(error.stderr || error.message).trim()}`, 1, 'the repository needs at least one commit');
      });
      progress(`worktree ${path} on branch ${branch}`);
    }
    made.push({ name: worktreeName, path });
  }
  return made;
}

/** git's identity on this host, for the agent's commits. */
export async function hostGitIdentity(): Promise<{ name?: string; email?: string }> {
  const get = (key: string) => run('git', ['config', '--get', key]).then((r) => r.stdout.trim() || undefined, () => undefined);
  const [name, email] = await Promise.all([get('user.name'), get('user.email')]);
  return { name, email };
}
