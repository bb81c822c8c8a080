import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/load-config.js';
import { COPILOT_KEY_VARIABLES } from '../key-variables.js';
import { IMAGE_HOOK_FILES_DIR, installHookFile } from '../hook-files.js';
import type { AgentProfile } from '../profile.js';
import { screenAgentProfile } from '../screen-agent-profile.js';
import { anySet, hasEntries, stateSubdir } from '../state-files.js';

export { COPILOT_KEY_VARIABLES } from '../key-variables.js';

/** Copilot CLI keeps its config, login (without a keychain) and sessions in COPILOT_HOME. */
export function copilotStateEnv(stateDir: string, env: Readonly<Record<string, string | undefined>>, configuredStateDir = stateDir): Record<string, string> {
  return { COPILOT_HOME: stateSubdir(env.COPILOT_HOME, 'copilot', stateDir, configuredStateDir) };
}

/**
 * False with a token (or a custom provider, which needs no GitHub login); null otherwise: a `/login` done in
 * the session is stored in a form this version does not document, so it cannot be told from its files.
 */
export function copilotNeedsLogin(env: Readonly<Record<string, string | undefined>>): false | null {
  return anySet(env, COPILOT_KEY_VARIABLES) || anySet(env, ['COPILOT_PROVIDER_BASE_URL']) ? false : null;
}

/** The image's hooks for Copilot CLI (docker/copilot-hooks.json), put in its user-level hooks dir at each start. */
export const COPILOT_HOOKS = 'copilot-hooks.json';

/**
 * What Copilot CLI reads from a permissionRequest hook's stdout: `behavior` allow or deny and a deny's `message`
 * for the model; the same decision in Claude's form beside it, for its Claude-compatible (PascalCase) hooks.
 */
export function copilotDecision(answer: { behavior: 'allow' | 'deny'; message?: string; by: string }): Record<string, unknown> {
  const decision = answer.behavior === 'allow' ? { behavior: 'allow' } : { behavior: 'deny', message: answer.message ?? `denied by ${answer.by}` };
  return { ...decision, hookSpecificOutput: { hookEventName: 'PermissionRequest', decision } };
}

/**
 * Copilot CLI (a native binary): its start from its screen, its turns from the hooks the image installs in
 * COPILOT_HOME/hooks (prompts, tool use, Stop, and PermissionRequest held as a pending decision); `--continue`
 * after a restart, COPILOT_HOME in the state volume.
 */
export function copilotProfile(config: Config, hookFilesDir = IMAGE_HOOK_FILES_DIR): AgentProfile {
  const hooks = existsSync(join(hookFilesDir, COPILOT_HOOKS));
  return screenAgentProfile(config, {
    name: 'copilot',
    // Its start comes from its screen, as Codex's: the pinned version fires SessionStart only with the first prompt.
    hooks: false,
    memoryFloorBytes: 512 * 2 ** 20,
    stateEnv: copilotStateEnv,
    homeVariable: 'COPILOT_HOME',
    // The image is pinned: a downloaded update would be lost with the container. Its binary unpacks its package
    // (about 235 MB, once per version) into XDG_CACHE_HOME and loads native modules from there: the home's
    // noexec tmpfs refuses them ("failed to map segment from shared object"), the state volume does not.
    prepareEnv: (vars) => {
      // Its user-level hooks dir, run beside a repository's .github/hooks (which add hooks, and cannot remove these).
      if (hooks) installHookFile(COPILOT_HOOKS, join(vars.COPILOT_HOME as string, 'hooks', 'agentgate.json'), hookFilesDir);
      return { ...vars, COPILOT_AUTO_UPDATE: 'false', XDG_CACHE_HOME: join(vars.COPILOT_HOME as string, 'cache') };
    },
    continueArgs: ['--continue'],
    hasHistory: (home) => hasEntries(join(home, 'session-state')),
    needsLogin: copilotNeedsLogin,
    loginSummary: 'Copilot CLI may need a login; attach and run /login, or set COPILOT_GITHUB_TOKEN (see the log)',
    loginHint: (attach) => `attach (${attach}) and run /login, or set COPILOT_GITHUB_TOKEN (a fine-grained token with the Copilot Requests permission); the login is kept in the state volume (COPILOT_HOME)`,
    decisionReply: copilotDecision,
  });
}
