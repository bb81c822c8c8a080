import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/load-config.js';
import type { AgentProfile } from '../profile.js';
import { screenAgentProfile } from '../screen-agent-profile.js';
import { hasEntries, nonEmptyFile, stateSubdir } from '../state-files.js';
import { pointCodexAtHeldKey } from './held-key.js';
import { codexAcceptsHook, codexDecision } from './hooks.js';

export { CODEX_KEY_VARIABLES } from '../key-variables.js';

/** Codex keeps its login (auth.json), config.toml and sessions in CODEX_HOME, which must exist before it starts. */
export function codexStateEnv(stateDir: string, env: Readonly<Record<string, string | undefined>>, configuredStateDir = stateDir): Record<string, string> {
  return { CODEX_HOME: stateSubdir(env.CODEX_HOME, 'codex', stateDir, configuredStateDir) };
}

/**
 * Logged in when `codex login` (or the sign-in screen) wrote auth.json. OPENAI_API_KEY alone does not log the
 * interactive CLI in (it shows its sign-in screen, the key offered): `codex login --with-api-key` does. A
 * config.toml that chooses a provider of its own (model_provider other than openai, with its key in env_key)
 * needs no OpenAI login at all.
 */
export function codexHasCredentials(codexHome: string): boolean {
  if (nonEmptyFile(join(codexHome, 'auth.json'))) return true;
  try {
    const provider = /^\s*model_provider\s*=\s*"([^"]*)"/m.exec(readFileSync(join(codexHome, 'config.toml'), 'utf8'))?.[1];
    return provider !== undefined && provider !== 'openai';
  } catch {
    return false;
  }
}

const CODEX_CAUSES: Array<[RegExp, string]> = [
  [/stream disconnected before completion|error sending request for url/i, 'cannot reach its API'],
  [/401 Unauthorized|Not logged in|invalid_api_key|Incorrect API key/i, 'not logged in'],
  [/CODEX_HOME points to .* but that path does not exist/, 'its CODEX_HOME does not exist'],
];

/**
 * Codex CLI (a native binary): its start from its screen, its turns from the hooks the image's managed
 * requirements install (docker/codex-requirements.toml: UserPromptSubmit, tool use, Stop, and PermissionRequest
 * held as a pending decision), `codex resume --last` after a restart (its latest session in the workspace; 0.171
 * takes an id or name too, never passed here), its login in CODEX_HOME in the state volume.
 */
export function codexProfile(config: Config): AgentProfile {
  return screenAgentProfile(config, {
    name: 'codex',
    memoryFloorBytes: 256 * 2 ** 20,
    stateEnv: codexStateEnv,
    homeVariable: 'CODEX_HOME',
    prepareEnv: (vars, env, credentialUrl) => {
      // Codex refuses to start when CODEX_HOME does not exist; a fresh state volume has none.
      mkdirSync(vars.CODEX_HOME as string, { recursive: true, mode: 0o700 });
      // The egress proxy holds the real key: Codex's API address leads through its credential endpoint.
      return { ...vars, ...pointCodexAtHeldKey(vars.CODEX_HOME as string, env, credentialUrl) };
    },
    continueArgs: ['resume', '--last'],
    hasHistory: (home) => hasEntries(join(home, 'sessions')),
    needsLogin: (_env, home) => !codexHasCredentials(home),
    loginSummary: 'Codex is not logged in; attach and sign in with a device code, or run codex login --with-api-key (see the log)',
    loginHint: (attach) =>
      `attach (${attach}) and choose "Sign in with Device Code" (the browser sign-in's callback cannot reach the container), ` +
      'or log in with a key: printenv OPENAI_API_KEY | codex login --with-api-key; the login is kept in the state volume (CODEX_HOME)',
    causes: CODEX_CAUSES,
    acceptsHook: codexAcceptsHook,
    decisionReply: codexDecision,
  });
}
