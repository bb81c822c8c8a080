import { constants, accessSync, readFileSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from '../errors.js';
import type { LogEvent } from '../log/log-event.js';

export interface WorkspaceCheck {
  /** Problems that do not stop the start (not a mount point, unless strict). */
  warnings: LogEvent[];
  ownerUid: number;
}

/**
 * Proves the workspace usable by the running uid: it exists, is a directory, and a probe file can be
 * written and removed. Throws a StartupError naming the exact fix when it cannot.
 */
export function checkWorkspace(path: string, options: { strict: boolean; uid: number; gid: number; projectDir?: string | null }): WorkspaceCheck {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new StartupError(`workspace ${path} does not exist`, { cause: error, hint: `mount your project there (docker run -v "$PWD:${path}")` });
  }
  if (!stat.isDirectory()) throw new StartupError(`workspace ${path} is not a directory`, { hint: 'mount a project directory there' });
  const probe = join(path, `.agentgate-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const [why, hint] =
      stat.uid === 0 && options.uid !== 0
        ? // Never advise running as root: a root-owned empty workspace is almost always a mount source that did not exist.
          [
            'it belongs to root',
            `Docker creates a bind-mount source that does not exist as an empty root-owned directory; ` +
              `check that the directory you mounted${options.projectDir ? ` (AGENTGATE_PROJECT_DIR=${options.projectDir})` : ''} exists on the host, ` +
              `remove the empty one Docker made, or chown it to ${options.uid}`,
          ]
        : stat.uid !== options.uid
          ? [
              `it belongs to uid ${stat.uid} but the agent runs as uid ${options.uid}`,
              `run as the owner with --user ${stat.uid}:${stat.gid} (compose: AGENTGATE_UID=${stat.uid} AGENTGATE_GID=${stat.gid}), or chown the directory to ${options.uid}`,
            ]
          : code === 'EROFS'
            ? ['it is mounted read-only', 'mount it read-write (drop ":ro")']
            : [null, `check its permissions (mode ${(stat.mode & 0o777).toString(8)})`];
    throw new StartupError(`workspace ${path} is not writable by uid ${options.uid} (${code})${why ? `: ${why}` : ''}`, { cause: error, hint });
  }
  const warnings: LogEvent[] = [];
  if (!isMountPoint(path)) {
    const detail = 'work written there is lost with the container';
    const hint = `mount your project there (docker run -v "$PWD:${path}")`;
    if (options.strict) throw new StartupError(`workspace ${path} is not a mount point: ${detail} (AGENTGATE_WORKSPACE_STRICT is on)`, { hint });
    warnings.push({ msg: 'workspace not mounted', fields: { path, detail, hint } });
  }
  return { warnings, ownerUid: stat.uid };
}

/**
 * A cheap re-check for health probes and before each agent start: the workspace is still a directory the
 * running uid can enter and write, and it has space left (a full disk fails every write the agent makes).
 */
export function probeWorkspace(path: string): { ok: boolean; reason: string } {
  try {
    if (!statSync(path).isDirectory()) return { ok: false, reason: `${path} is not a directory` };
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, reason: `${path} is not usable by uid ${process.getuid?.() ?? '?'} (${code})` };
  }
  try {
    const fs = statfsSync(path);
    if (fs.bavail === 0) return { ok: false, reason: `${path} is full: no space left on its file system` };
  } catch {
    // no statfs here: writability is what we can tell
  }
  return { ok: true, reason: `${path} is writable` };
}

/** True when `path` is listed as a mount point in /proc/self/mountinfo (field 5). */
function isMountPoint(path: string): boolean {
  try {
    const normalized = path.replace(/\/+$/, '') || '/';
    return readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .some((line) => unescapeMountPath(line.split(' ')[4] ?? '') === normalized);
  } catch {
    return true; // no /proc to tell: do not warn on a guess
  }
}

function unescapeMountPath(field: string): string {
  return field.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}
