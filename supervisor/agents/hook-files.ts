import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the image keeps the hook files agentgate installs into an agent's own config dir (docker/Dockerfile). */
export const IMAGE_HOOK_FILES_DIR = '/opt/agentgate/agent-hooks';

/**
 * Copies one of the image's hook files (OpenCode's plugin, Copilot CLI's hooks) into the agent's config dir in the
 * state volume, at each start: a copy a person edited or removed comes back, and one from an older image is
 * replaced. Outside the image (the file absent) nothing is copied: the agent's state then comes from its screen.
 * Returns whether the file is in place.
 */
export function installHookFile(name: string, target: string, sourceDir = IMAGE_HOOK_FILES_DIR): boolean {
  try {
    mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
    copyFileSync(join(sourceDir, name), target);
    return true;
  } catch {
    return false;
  }
}
