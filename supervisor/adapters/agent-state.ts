import { chmodSync, copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface StateSetupResult {
  /** What happened, one stable event per fact, for the log. Never a file's content. */
  events: Array<{ msg: string; fields: Record<string, unknown> }>;
  /** Problems that leave the agent running but without something the user mounted. */
  warnings: string[];
}

/**
 * Copies a read-only credentials file (a compose secret) into the writable state dir with mode 0600, so that
 * the agent can refresh its token in place. A copy in the state dir that is newer than the secret is kept:
 * it holds a refreshed token.
 */
export function installCredentials(options: { credentialsFile: string; stateDir: string }, result: StateSetupResult): void {
  const source = statOrNull(options.credentialsFile);
  // Compose needs a file for the secret even when there are no credentials: an empty one means none.
  if (!source || source.size === 0) return;
  const target = join(options.stateDir, '.credentials.json');
  try {
    mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
    const existing = statOrNull(target);
    if (existing && existing.mtimeMs >= source.mtimeMs) {
      result.events.push({ msg: 'credentials kept', fields: { path: target, reason: 'state copy is newer than the secret' } });
      return;
    }
    copyFileSync(options.credentialsFile, target);
    chmodSync(target, 0o600);
    result.events.push({ msg: 'credentials installed', fields: { from: options.credentialsFile, to: target } });
  } catch (error) {
    result.warnings.push(`credentials ${options.credentialsFile} could not be copied to ${target}: ${(error as NodeJS.ErrnoException).code}`);
  }
}

/**
 * Copies a read-only ~/.ssh mounted from the host into the writable home with the modes ssh demands
 * (it refuses keys that others can read, and files owned by another uid).
 */
export function installSshDir(options: { sshDir: string; home: string }, result: StateSetupResult): void {
  if (!statOrNull(options.sshDir)?.isDirectory()) return;
  const target = join(options.home, '.ssh');
  const copied: string[] = [];
  try {
    mkdirSync(target, { recursive: true, mode: 0o700 });
    chmodSync(target, 0o700);
  } catch (error) {
    result.warnings.push(`ssh keys from ${options.sshDir} not installed: ${target} is not writable (${(error as NodeJS.ErrnoException).code}); mount a tmpfs on ${options.home}`);
    return;
  }
  for (const name of readdirSync(options.sshDir)) {
    const from = join(options.sshDir, name);
    if (!statOrNull(from)?.isFile()) continue;
    try {
      copyFileSync(from, join(target, name));
      chmodSync(join(target, name), name.endsWith('.pub') || name === 'known_hosts' ? 0o644 : 0o600);
      copied.push(name);
    } catch (error) {
      const owner = statOrNull(from)?.uid;
      result.warnings.push(
        `ssh file ${from} is not readable by uid ${process.getuid?.()} (${(error as NodeJS.ErrnoException).code}, owner uid ${owner}): ` +
          `make it readable (chmod 0644 on a copy), run with --user ${owner}, or forward an ssh agent (SSH_AUTH_SOCK)`,
      );
    }
  }
  if (copied.length > 0) result.events.push({ msg: 'ssh keys installed', fields: { from: options.sshDir, to: target, files: copied.length } });
}

function statOrNull(path: string): ReturnType<typeof statSync> | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}
