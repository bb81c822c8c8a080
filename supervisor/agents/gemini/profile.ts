import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/load-config.js';
import { GEMINI_KEY_VARIABLES } from '../key-variables.js';
import type { AgentProfile } from '../profile.js';
import { screenAgentProfile } from '../screen-agent-profile.js';
import { anySet, hasEntries, nonEmptyFile, stateSubdir } from '../state-files.js';
import { pointGeminiAtHeldKey } from './held-key.js';

export { GEMINI_KEY_VARIABLES } from '../key-variables.js';

/** GEMINI_CLI_HOME stands for the home dir: Gemini CLI keeps its login, settings and chats in `$GEMINI_CLI_HOME/.gemini`. */
export function geminiStateEnv(stateDir: string, env: Readonly<Record<string, string | undefined>>, configuredStateDir = stateDir): Record<string, string> {
  return { GEMINI_CLI_HOME: stateSubdir(env.GEMINI_CLI_HOME, 'gemini', stateDir, configuredStateDir) };
}

/**
 * Logged in once an auth method was chosen (its dialog writes `security.auth.selectedType` to settings.json;
 * a key in the environment does not skip that dialog) and that method has its credential: the key, Vertex AI,
 * or the Google login's oauth_creds.json.
 */
export function geminiHasCredentials(env: Readonly<Record<string, string | undefined>>, geminiHome: string): boolean {
  const selected = selectedAuthType(join(geminiHome, '.gemini', 'settings.json'));
  if (selected === 'gemini-api-key') return anySet(env, GEMINI_KEY_VARIABLES);
  if (selected === 'vertex-ai') return env.GOOGLE_GENAI_USE_VERTEXAI === 'true' || anySet(env, ['GOOGLE_API_KEY', 'GOOGLE_CLOUD_PROJECT']);
  if (selected === 'oauth-personal') return nonEmptyFile(join(geminiHome, '.gemini', 'oauth_creds.json'));
  return selected !== null;
}

/** The auth method chosen in Gemini CLI's settings, or null. */
function selectedAuthType(settingsPath: string): string | null {
  try {
    const type = JSON.parse(readFileSync(settingsPath, 'utf8'))?.security?.auth?.selectedType;
    return typeof type === 'string' && type !== '' ? type : null;
  } catch {
    return null;
  }
}

/** Any project's saved chats (`.gemini/tmp/<project>/chats`). */
function hasChats(geminiHome: string): boolean {
  const tmp = join(geminiHome, '.gemini', 'tmp');
  try {
    return readdirSync(tmp).some((project) => hasEntries(join(tmp, project, 'chats')));
  } catch {
    return false;
  }
}

const GEMINI_CAUSES: Array<[RegExp, string]> = [
  [/you must specify the GEMINI_API_KEY environment variable|Manual authorization is required/i, 'not logged in'],
  [/API key not valid/i, 'not logged in'],
];

/**
 * Gemini CLI (Node): its state from the hooks the image's system settings install (docker/gemini-settings.json:
 * SessionStart once it is up, BeforeAgent, tool use, AfterAgent, and the ToolPermission notification, which only
 * observes its dialog), `--resume latest` after a restart, its home in the state volume.
 */
export function geminiProfile(config: Config): AgentProfile {
  return screenAgentProfile(config, {
    name: 'gemini',
    // Its SessionStart comes once the CLI is up and BeforeAgent once a prompt is taken: the first prompt waits for both.
    hooks: true,
    memoryFloorBytes: 512 * 2 ** 20,
    stateEnv: geminiStateEnv,
    homeVariable: 'GEMINI_CLI_HOME',
    // The egress proxy holds the real key: Gemini CLI's API address leads through its credential endpoint.
    prepareEnv: (vars, env, credentialUrl) => ({ ...vars, ...pointGeminiAtHeldKey(vars.GEMINI_CLI_HOME as string, env, credentialUrl) }),
    // One word with its option, so a leading "-" stays text; the positional would do too, but not safely.
    continueArgs: ['--resume', 'latest'],
    hasHistory: hasChats,
    needsLogin: (env, home) => !geminiHasCredentials(env, home),
    loginSummary: 'Gemini CLI is not logged in; attach and choose how it authenticates (see the log)',
    loginHint: (attach) =>
      `attach (${attach}) and choose "Use Gemini API Key" (with GEMINI_API_KEY set) or "Sign in with Google", once: ` +
      'the choice and the login are kept in the state volume (GEMINI_CLI_HOME)',
    causes: GEMINI_CAUSES,
  });
}
