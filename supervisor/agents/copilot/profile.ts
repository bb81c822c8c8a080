import { join } from 'node:path';
import type { Config } from '../../config/load-config.js';
import type { AgentProfile } from '../profile.js';
import { screenAgentProfile } from '../screen-agent-profile.js';
import { anySet, hasEntries, stateSubdir } from '../state-files.js';

/** The tokens Copilot CLI takes, in its order of precedence; scrubbed by name (they hold TOKEN or KEY). */
export const COPILOT_KEY_VARIABLES = ['COPILOT_GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_TOKEN', 'COPILOT_PROVIDER_API_KEY'] as const;

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

/** Copilot CLI (a native binary): state from its screen, `--continue` after a restart, COPILOT_HOME in the state volume. */
export function copilotProfile(config: Config): AgentProfile {
  return screenAgentProfile(config, {
    name: 'copilot',
    memoryFloorBytes: 512 * 2 ** 20,
    stateEnv: copilotStateEnv,
    homeVariable: 'COPILOT_HOME',
    // The image is pinned: a downloaded update would be lost with the container. Its binary unpacks its package
    // (about 235 MB, once per version) into XDG_CACHE_HOME and loads native modules from there: the home's
    // noexec tmpfs refuses them ("failed to map segment from shared object"), the state volume does not.
    prepareEnv: (vars) => ({ ...vars, COPILOT_AUTO_UPDATE: 'false', XDG_CACHE_HOME: join(vars.COPILOT_HOME as string, 'cache') }),
    continueArgs: ['--continue'],
    hasHistory: (home) => hasEntries(join(home, 'session-state')),
    needsLogin: copilotNeedsLogin,
    loginSummary: 'Copilot CLI may need a login; attach and run /login, or set COPILOT_GITHUB_TOKEN (see the log)',
    loginHint: (attach) => `attach (${attach}) and run /login, or set COPILOT_GITHUB_TOKEN (a fine-grained token with the Copilot Requests permission); the login is kept in the state volume (COPILOT_HOME)`,
  });
}
