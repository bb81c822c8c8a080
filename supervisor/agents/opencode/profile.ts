import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/load-config.js';
import { OPENCODE_KEY_VARIABLES } from '../key-variables.js';
import { IMAGE_HOOK_FILES_DIR, installHookFile } from '../hook-files.js';
import type { AgentProfile } from '../profile.js';
import { screenAgentProfile } from '../screen-agent-profile.js';
import { anySet, hasEntries, nonEmptyFile, stateSubdir } from '../state-files.js';
import { pointOpencodeAtHeldKeys } from './held-keys.js';
import { opencodePromptInput } from './prompt-input.js';

export { OPENCODE_KEY_VARIABLES } from '../key-variables.js';

/**
 * OpenCode has no variable of its own for its state: it follows the XDG base dirs (login in
 * `$XDG_DATA_HOME/opencode/auth.json`, sessions beside it, config in `$XDG_CONFIG_HOME/opencode`). Given to
 * OpenCode only: other programs keep their own XDG dirs.
 */
export function opencodeStateEnv(stateDir: string, env: Readonly<Record<string, string | undefined>>, configuredStateDir = stateDir): Record<string, string> {
  return {
    XDG_DATA_HOME: stateSubdir(env.XDG_DATA_HOME, 'opencode/data', stateDir, configuredStateDir),
    XDG_CONFIG_HOME: stateSubdir(env.XDG_CONFIG_HOME, 'opencode/config', stateDir, configuredStateDir),
    XDG_STATE_HOME: stateSubdir(env.XDG_STATE_HOME, 'opencode/state', stateDir, configuredStateDir),
    // The image is pinned: an update would be lost on restart, or fail on the read-only root.
    OPENCODE_DISABLE_AUTOUPDATE: 'true',
  };
}

/**
 * False when a provider key or `opencode auth login` (auth.json) gives it a credential; null otherwise, since
 * OpenCode also runs free and local models with no login at all.
 */
export function opencodeNeedsLogin(env: Readonly<Record<string, string | undefined>>, dataHome: string): false | null {
  return anySet(env, OPENCODE_KEY_VARIABLES) || nonEmptyFile(join(dataHome, 'opencode', 'auth.json')) ? false : null;
}

/** The image's OpenCode plugin (docker/opencode-plugin.js), put in OpenCode's global plugin dir at each start. */
export const OPENCODE_PLUGIN = 'opencode-plugin.js';

/** What the plugin reads from the supervisor's answer to a held permission request (it replies through OpenCode's server API). */
export function opencodeDecision(answer: { behavior: 'allow' | 'deny'; message?: string; by: string }): Record<string, unknown> {
  return answer.behavior === 'allow' ? { behavior: 'allow' } : { behavior: 'deny', message: answer.message ?? `denied by ${answer.by}` };
}

/**
 * OpenCode (a native binary): its state from the image's plugin (its own events: SessionStart once it is up, a
 * session busy or idle, permission.asked held as a pending decision), from its screen where the image has no
 * plugin; `--continue` after a restart, its XDG dirs in the state volume.
 */
export function opencodeProfile(config: Config, hookFilesDir = IMAGE_HOOK_FILES_DIR): AgentProfile {
  const plugin = existsSync(join(hookFilesDir, OPENCODE_PLUGIN));
  return screenAgentProfile(config, {
    name: 'opencode',
    hooks: plugin,
    memoryFloorBytes: 512 * 2 ** 20,
    stateEnv: opencodeStateEnv,
    homeVariable: 'XDG_DATA_HOME',
    // OpenCode's terminal UI writes a native library into TMPDIR and maps it: on the image's /tmp, a tmpfs
    // mounted noexec, that fails ("failed to map segment from shared object") and OpenCode exits at once.
    prepareEnv: (vars, env, credentialUrl) => {
      const tmp = join(vars.XDG_STATE_HOME as string, 'tmp');
      mkdirSync(tmp, { recursive: true, mode: 0o700 });
      // Its global plugin dir: a repository's opencode.json adds plugins, it cannot remove this one.
      if (plugin) installHookFile(OPENCODE_PLUGIN, join(vars.XDG_CONFIG_HOME as string, 'opencode', 'plugin', 'agentgate.js'), hookFilesDir);
      // The egress proxy holds the real keys: the matching providers' API address leads through its credential endpoint.
      const held = pointOpencodeAtHeldKeys(vars.XDG_CONFIG_HOME as string, vars.XDG_STATE_HOME as string, env, credentialUrl);
      return { ...vars, TMPDIR: tmp, ...held };
    },
    continueArgs: ['--continue'],
    hasHistory: (dataHome) => nonEmptyFile(join(dataHome, 'opencode', 'opencode.db')) || hasEntries(join(dataHome, 'opencode', 'storage', 'session')),
    needsLogin: opencodeNeedsLogin,
    loginSummary: 'OpenCode has no provider credential; attach and run /connect, or set the provider key (see the log)',
    loginHint: (attach) => `attach (${attach}) and run /connect, or set the provider's key (ANTHROPIC_API_KEY, OPENAI_API_KEY, ...); the login is kept in the state volume`,
    decisionReply: opencodeDecision,
    promptInput: opencodePromptInput,
  });
}
