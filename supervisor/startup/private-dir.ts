import { chmodSync, lstatSync, mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** statfs's f_type of a tmpfs: what it holds is gone with the container. */
const TMPFS_MAGIC = 0x01021994;

/** Null when `uid` can create (if need be) and write a file in `dir`; else the error's code. */
export function writeProblem(dir: string): string | null {
  const probe = join(dir, `.agentgate-probe-${process.pid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

/**
 * A directory of this uid alone under `root` (the container's /tmp): made 0700, or reused when it is a real
 * directory (no symlink) that this uid owns; null when neither. /tmp is shared by every process of the container.
 */
export function privateDir(root: string, name: string, uid: number): string | null {
  const dir = join(root, name);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return null;
  }
  try {
    const stat = lstatSync(dir);
    if (!stat.isDirectory() || stat.uid !== uid) return null;
    chmodSync(dir, 0o700);
  } catch {
    return null;
  }
  return writeProblem(dir) === null ? dir : null;
}

/** True when `dir` is on a tmpfs (a Docker --tmpfs mount): nothing written there outlives the container. */
export function isOnTmpfs(dir: string): boolean {
  try {
    return statfsSync(dir).type === TMPFS_MAGIC;
  } catch {
    return false;
  }
}
