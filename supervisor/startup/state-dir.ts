import { accessSync, chmodSync, constants, copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../errors.js';
import type { LogEvent } from '../log/log-event.js';
import { isOnTmpfs, privateDir, writeProblem } from './private-dir.js';

export interface StateSetupResult {
  /** What happened, one stable event per fact, for the log. Never a file's content. */
  events: LogEvent[];
  /** Problems that leave the agent running but without something the user mounted. */
  warnings: LogEvent[];
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
    result.warnings.push({ msg: 'credentials not installed', fields: { from: options.credentialsFile, to: target, code: (error as NodeJS.ErrnoException).code } });
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
  const uid = process.getuid?.();
  try {
    mkdirSync(target, { recursive: true, mode: 0o700 });
    chmodSync(target, 0o700);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = `mount a tmpfs owned by uid ${uid} on ${options.home} (--tmpfs ${options.home}:uid=${uid},gid=${process.getgid?.()})`;
    result.warnings.push({ msg: 'ssh keys not installed', fields: { from: options.sshDir, to: target, code, reason: `${target} is not writable`, hint } });
    return;
  }
  let names: string[];
  try {
    names = readdirSync(options.sshDir);
  } catch (error) {
    // A host ~/.ssh is 0700 and owned by the host user: another uid cannot even list it.
    const owner = statOrNull(options.sshDir)?.uid;
    const code = (error as NodeJS.ErrnoException).code;
    const hint = `run as its owner (AGENTGATE_UID=${owner}), mount a copy readable by uid ${uid}, or forward an ssh agent (SSH_AUTH_SOCK)`;
    const reason = `the directory is not readable by uid ${uid}`;
    result.warnings.push({ msg: 'ssh keys not installed', fields: { from: options.sshDir, to: target, code, uid, ownerUid: owner ?? null, reason, hint } });
    return;
  }
  for (const name of names) {
    const from = join(options.sshDir, name);
    if (!statOrNull(from)?.isFile()) continue;
    try {
      copyFileSync(from, join(target, name));
      chmodSync(join(target, name), name.endsWith('.pub') || name === 'known_hosts' ? 0o644 : 0o600);
      copied.push(name);
    } catch (error) {
      const owner = statOrNull(from)?.uid;
      const code = (error as NodeJS.ErrnoException).code;
      const hint = `make it readable (chmod 0644 on a copy), run with --user ${owner}, or forward an ssh agent (SSH_AUTH_SOCK)`;
      result.warnings.push({ msg: 'ssh key not installed', fields: { file: from, code, uid, ownerUid: owner ?? null, reason: `not readable by uid ${uid}`, hint } });
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

/** A warning for the log: a stable event name, the facts, and the advice in `hint`. */
export type StartupWarning = LogEvent;

/**
 * The agent's state (login, settings, history) must be writable, or the agent fails at its first write. A state
 * dir named by AGENTGATE_STATE_DIR that cannot be written is refused (the user asked for state there). The
 * image's default one, unwritable because the container runs as another uid or its home is a root-owned tmpfs,
 * gives way to a private one under `fallbackRoot`, with one warning: the state then lasts as long as the
 * container. A state dir on a tmpfs is warned about the same way.
 */
export function chooseStateDir(options: { stateDir: string; uid: number; explicit: boolean; fallbackRoot: string }): { path: string; warning: StartupWarning | null } {
  const { stateDir, uid } = options;
  const code = writeProblem(stateDir);
  const keep = `mount a volume that uid ${uid} can write at ${stateDir} (compose does this for AGENTGATE_UID)`;
  if (code === null) {
    if (!isOnTmpfs(stateDir)) return { path: stateDir, warning: null };
    return { path: stateDir, warning: { msg: 'state dir on tmpfs', fields: { path: stateDir, detail: 'the login and history last as long as the container', hint: keep } } };
  }
  const owner = statOrNull(stateDir)?.uid as number | undefined;
  const fallback = options.explicit ? null : privateDir(options.fallbackRoot, `agentgate-state-${uid}`, uid);
  if (fallback === null) throw stateDirError(stateDir, uid, code, owner);
  const detail = 'using a private one that lasts as long as the container';
  const fields = { path: stateDir, fallback, uid, code, ownerUid: owner ?? null, detail, hint: `to keep the login across re-creation, ${keep}` };
  return { path: fallback, warning: { msg: 'state dir not writable', fields } };
}

function stateDirError(stateDir: string, uid: number, code: string, owner: number | undefined): StartupError {
  const whose = owner === undefined ? '' : `: it belongs to uid ${owner}, the agent runs as uid ${uid}`;
  return new StartupError(`state dir ${stateDir} (AGENTGATE_STATE_DIR) is not writable by uid ${uid} (${code})${whose}`, {
    hint:
      `compose prepares its state volume for AGENTGATE_UID (docker compose up runs state-init); with docker run, ` +
      `mount a volume that uid ${uid} can write${owner === undefined ? '' : `, chown it to ${uid}, or run as uid ${owner}`}`,
  });
}

/**
 * The agent's HOME: the given one when writable, else a private one under `fallbackRoot` (the agent and its
 * tools keep files there), with one warning. Null and the warning when neither can be written.
 */
export function chooseHome(home: string, uid: number, gid: number, fallbackRoot: string): { path: string; warning: StartupWarning | null } {
  const problem = homeWarning(home, uid, gid);
  if (problem === null) return { path: home, warning: null };
  const fallback = privateDir(fallbackRoot, `agentgate-home-${uid}`, uid);
  if (fallback === null) return { path: home, warning: problem };
  const fields = { ...problem.fields, fallback, detail: 'the agent gets a private one for this container' };
  return { path: fallback, warning: { msg: problem.msg, fields } };
}

/** A warning when HOME cannot be written: the agent and its tools keep files there (ssh keys, caches). */
export function homeWarning(home: string, uid: number, gid: number): StartupWarning | null {
  try {
    accessSync(home, constants.W_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint = `mount a tmpfs owned by uid ${uid} there (--tmpfs ${home}:uid=${uid},gid=${gid}; compose does this for AGENTGATE_UID)`;
    const fields = { path: home, fallback: null, uid, code, ownerUid: statOrNull(home)?.uid ?? null, detail: 'tools that write there will fail', hint };
    return { msg: 'HOME not writable', fields };
  }
}
