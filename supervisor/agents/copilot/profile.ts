import { join } from 'node:path';
import type { Config } from '../../config/load-config.js';
import { latestResume } from '../latest-resume.js';
import { type AgentProfile, explainFrom } from '../profile.js';
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
  let home = copilotStateEnv(config.state.stateDir, {}).COPILOT_HOME as string;
  return {
    name: 'copilot',
    hooks: false,
    memoryFloorBytes: 512 * 2 ** 20,
    agentEnv: (_config, env) => {
      const vars = copilotStateEnv(config.state.stateDir, env);
      home = vars.COPILOT_HOME as string;
      // The image is pinned: a downloaded update would be lost with the container.
      return { ...vars, COPILOT_AUTO_UPDATE: 'false' };
    },
    ...latestResume(config.resume, ['--continue'], () => hasEntries(join(home, 'session-state'))),
    needsLogin: (env) => copilotNeedsLogin(env),
    loginSummary: 'Copilot CLI may need a login; attach and run /login, or set COPILOT_GITHUB_TOKEN (see the log)',
    loginHint: (attach) => `attach (${attach}) and run /login, or set COPILOT_GITHUB_TOKEN (a fine-grained token with the Copilot Requests permission); the login is kept in the state volume (COPILOT_HOME)`,
    explainExit: (lastLines) => explainFrom([], lastLines),
  };
}
