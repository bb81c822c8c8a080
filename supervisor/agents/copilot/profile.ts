import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/load-config.js';
import { choiceDialogOnScreen } from '../choice-dialog.js';
import { COPILOT_KEY_VARIABLES } from '../key-variables.js';
import type { AgentProfile } from '../profile.js';
import { screenAgentProfile } from '../screen-agent-profile.js';
import { anySet, hasEntries, stateSubdir } from '../state-files.js';
import { pointCopilotAtHeldKey } from './held-key.js';
import { copilotStoredLogin } from './stored-login.js';

export { COPILOT_KEY_VARIABLES } from '../key-variables.js';

/** Copilot CLI keeps its config, login (without a keychain) and sessions in COPILOT_HOME. */
export function copilotStateEnv(stateDir: string, env: Readonly<Record<string, string | undefined>>, configuredStateDir = stateDir): Record<string, string> {
  return { COPILOT_HOME: stateSubdir(env.COPILOT_HOME, 'copilot', stateDir, configuredStateDir) };
}

/**
 * False with a token, a custom provider (which needs no GitHub login) or a login stored in COPILOT_HOME that the
 * CLI itself would use (see stored-login.ts); true otherwise: it would start saying "Please use /login".
 */
export function copilotNeedsLogin(env: Readonly<Record<string, string | undefined>>, home: string): boolean {
  return !(anySet(env, COPILOT_KEY_VARIABLES) || anySet(env, ['COPILOT_PROVIDER_BASE_URL']) || copilotStoredLogin(home));
}

/**
 * The image's hooks for Copilot CLI (docker/copilot-hooks.json) as a policy hook file: the pinned Copilot CLI loads
 * /etc/github-copilot/policy.d/*.json beside its user and repository hooks, and a repository's
 * `disableAllHooks` does not switch these off (tested). Policy hooks are fail-closed (a hook that fails blocks
 * the prompt or the call): agentgate-hook always exits 0.
 */
export const COPILOT_POLICY_HOOKS = '/etc/github-copilot/policy.d/agentgate.json';

/** Where images before the policy file put the same hooks, in the state volume: both would report each event twice. */
const OLD_USER_HOOKS = join('hooks', 'agentgate.json');

/**
 * What Copilot CLI reads from a permissionRequest hook's stdout: `behavior` allow or deny and a deny's `message`
 * for the model; the same decision in Claude's form beside it, for its Claude-compatible (PascalCase) hooks.
 */
export function copilotDecision(answer: { behavior: 'allow' | 'deny'; message?: string; by: string }): Record<string, unknown> {
  const decision = answer.behavior === 'allow' ? { behavior: 'allow' } : { behavior: 'deny', message: answer.message ?? `denied by ${answer.by}` };
  return { ...decision, hookSpecificOutput: { hookEventName: 'PermissionRequest', decision } };
}

/**
 * Copilot CLI (a native binary): its start from its screen, its turns from the image's policy hooks (prompts,
 * tool use, Stop, and PermissionRequest held as a pending decision); `--continue` after a restart, COPILOT_HOME
 * in the state volume.
 */
export function copilotProfile(config: Config, policyHooks = COPILOT_POLICY_HOOKS): AgentProfile {
  return screenAgentProfile(config, {
    name: 'copilot',
    // Its start comes from its screen, as Codex's: the pinned version fires SessionStart only with the first prompt.
    hooks: false,
    // Its policy hooks' UserPromptSubmit tells that a typed first prompt was taken; a dialog (trusting the folder,
    // a permission) takes Enter as its answer, so the prompt waits while one is open.
    promptSubmitHook: existsSync(policyHooks),
    openDialog: choiceDialogOnScreen,
    inputReady: copilotInputDrawn,
    memoryFloorBytes: 512 * 2 ** 20,
    stateEnv: copilotStateEnv,
    homeVariable: 'COPILOT_HOME',
    // The image is pinned: a downloaded update would be lost with the container. Its binary unpacks its package
    // (about 235 MB, once per version) into XDG_CACHE_HOME and loads native modules from there: the home's
    // noexec tmpfs refuses them ("failed to map segment from shared object"), the state volume does not.
    // With the egress proxy holding its provider's key, its API address is the proxy's credential endpoint.
    prepareEnv: (vars, env, credentialUrl) => {
      if (existsSync(policyHooks)) removeOldUserHooks(join(vars.COPILOT_HOME as string, OLD_USER_HOOKS));
      return { ...vars, COPILOT_AUTO_UPDATE: 'false', XDG_CACHE_HOME: join(vars.COPILOT_HOME as string, 'cache'), ...pointCopilotAtHeldKey(env, credentialUrl) };
    },
    continueArgs: ['--continue'],
    hasHistory: (home) => hasEntries(join(home, 'session-state')),
    needsLogin: copilotNeedsLogin,
    loginSummary: 'Copilot CLI has no login; attach and run /login, or set COPILOT_GITHUB_TOKEN (see the log)',
    loginHint: (attach) => `attach (${attach}) and run /login, or set COPILOT_GITHUB_TOKEN (a fine-grained token with the Copilot Requests permission); with no keychain here, /login keeps its token in COPILOT_HOME/config.json, in the state volume`,
    decisionReply: copilotDecision,
  });
}

/**
 * Its input line (U+276F and what is typed, between two rules) is on the screen; a dialog's "U+276F 1. Yes" is not it.
 * On a loaded machine it was seen to draw its banner, then stay still for tens of seconds before its folder-trust
 * dialog came, with keys typed meanwhile kept for later: a still screen alone does not say it takes a prompt.
 */
export function copilotInputDrawn(lines: readonly string[]): boolean {
  return lines.some((line) => /^\u276f(?! \d+\.)/.test(line));
}

function removeOldUserHooks(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Not a file (a dir someone made): not ours to remove.
  }
}
