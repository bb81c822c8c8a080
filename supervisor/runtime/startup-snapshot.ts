import { statSync } from 'node:fs';
import { join } from 'node:path';
import { startupSnapshot } from 'node:v8';

/** How this process started: from the image's V8 startup snapshot of the bundle, or from the bundle itself. */
export type StartedFrom = 'snapshot' | 'bundle';

/** The blob the image builds beside the bundle (docker/build-snapshot.sh) and its entrypoint starts from. */
export const SNAPSHOT_BLOB = 'supervisor.blob';

/**
 * Runs `start` now, or, while `node --build-snapshot` builds the image's startup snapshot of this bundle, makes it
 * the snapshot's main function: what the bundle does at import (modules, schemas) is then done once at image build,
 * and everything read from the process (environment, arguments, pid, fds, signal handlers) is read when the blob
 * starts, never captured in it. Started from the blob, process.argv has no script path: the arguments begin at 1.
 */
export function startNowOrFromSnapshot(start: (from: StartedFrom, argsFrom: 1 | 2) => void): void {
  if (startupSnapshot?.isBuildingSnapshot()) {
    startupSnapshot.setDeserializeMainFunction(() => start('snapshot', 1));
    return;
  }
  start('bundle', 2);
}

/** Why a start did not use the blob, as the entrypoint (docker/agentgate.sh) decided; 'used' when it did. */
export type SnapshotUse = 'used' | 'no blob' | 'passed over: NODE_OPTIONS or NODE_DEBUG is set' | 'passed over: older than node';

/** For the debug log: whether this start used the blob, and why not when it did not. */
export function snapshotUse(from: StartedFrom, bundleDir: string, env: Readonly<Record<string, string | undefined>>): SnapshotUse {
  if (from === 'snapshot') return 'used';
  if (!statSync(join(bundleDir, SNAPSHOT_BLOB), { throwIfNoEntry: false })?.size) return 'no blob'; // missing or empty
  return env.NODE_OPTIONS || env.NODE_DEBUG ? 'passed over: NODE_OPTIONS or NODE_DEBUG is set' : 'passed over: older than node';
}
