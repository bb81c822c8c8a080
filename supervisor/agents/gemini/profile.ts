import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/load-config.js';
import { latestResume } from '../latest-resume.js';
import { type AgentProfile, explainFrom } from '../profile.js';
import { anySet, hasEntries, nonEmptyFile, stateSubdir } from '../state-files.js';

/** Gemini CLI's key variables: scrubbed by name like Anthropic's (their names hold KEY). */
export const GEMINI_KEY_VARIABLES = ['GEMINI_API_KEY', 'GOOGLE_API_KEY'] as const;

/** GEMINI_CLI_HOME stands for the home dir: Gemini CLI keeps its login, settings and chats in `$GEMINI_CLI_HOME/.gemini`. */
export function geminiStateEnv(stateDir: string, env: Readonly<Record<string, string | undefined>>, configuredStateDir = stateDir): Record<string, string> {
  return { GEMINI_CLI_HOME: stateSubdir(env.GEMINI_CLI_HOME, 'gemini', stateDir, configuredStateDir) };
}

/** A key, Vertex AI, or the Google-account login's oauth_creds.json. */
export function geminiHasCredentials(env: Readonly<Record<string, string | undefined>>, geminiHome: string): boolean {
  if (anySet(env, GEMINI_KEY_VARIABLES) || env.GOOGLE_GENAI_USE_VERTEXAI === 'true') return true;
  return nonEmptyFile(join(geminiHome, '.gemini', 'oauth_creds.json'));
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

/** Gemini CLI (Node): state from its screen, `--resume latest` after a restart, its home in the state volume. */
export function geminiProfile(config: Config): AgentProfile {
  let home = geminiStateEnv(config.state.stateDir, {}).GEMINI_CLI_HOME as string;
  return {
    name: 'gemini',
    hooks: false,
    memoryFloorBytes: 512 * 2 ** 20,
    agentEnv: (_config, env) => {
      const vars = geminiStateEnv(config.state.stateDir, env);
      home = vars.GEMINI_CLI_HOME as string;
      return vars;
    },
    ...latestResume(config.resume, ['--resume', 'latest'], () => hasChats(home)),
    needsLogin: (env) => !geminiHasCredentials(env, home),
    loginSummary: 'Gemini CLI has no credential; set GEMINI_API_KEY, or attach and sign in with Google (see the log)',
    loginHint: (attach) =>
      `set GEMINI_API_KEY (or GOOGLE_API_KEY), or attach (${attach}) and choose "Sign in with Google"; ` +
      'the login is kept in the state volume (GEMINI_CLI_HOME)',
    explainExit: (lastLines) => explainFrom(GEMINI_CAUSES, lastLines),
  };
}
