import type { Config } from '../config/load-config.js';
import { claudeDecision } from './claude/decision-reply.js';
import { claudeProfile, claudeStateEnv } from './claude/profile.js';
import { codexProfile, codexStateEnv } from './codex/profile.js';
import { copilotProfile, copilotStateEnv } from './copilot/profile.js';
import { genericProfile } from './generic/profile.js';
import { geminiProfile, geminiStateEnv } from './gemini/profile.js';
import { opencodeProfile, opencodeStateEnv } from './opencode/profile.js';
import type { AgentProfile } from './profile.js';
import { IMAGE_STATE_DIR } from './state-files.js';

export { DEFAULT_AGENT_EGRESS } from './egress-defaults.js';

/** The agent run when AGENTGATE_AGENT is unset. */
export const DEFAULT_AGENT = 'claude';
/** The agent's state dir (its login, settings and conversations) and the credentials file copied into it. */
export const DEFAULT_STATE_DIR = IMAGE_STATE_DIR;
export const DEFAULT_CREDENTIALS_FILE = '/run/secrets/claude_credentials';

/** The agent presets: a name users can give instead of a command line. */
export const AGENT_PRESETS: Readonly<Record<string, string>> = { claude: 'claude', codex: 'codex', gemini: 'gemini', opencode: 'opencode', copilot: 'copilot' };

/**
 * The profile for the program the command line starts: an agent is recognized by its program however it is
 * named (the preset, or `codex --model ...`); any other program is a generic command line.
 */
export function profileFor(config: Config, scrub: (text: string) => string): AgentProfile {
  switch (config.agent.program) {
    case 'claude':
      return claudeProfile(config, scrub);
    case 'codex':
      return codexProfile(config);
    case 'gemini':
      return geminiProfile(config);
    case 'opencode':
      return opencodeProfile(config);
    case 'copilot':
      return copilotProfile(config);
    default:
      return genericProfile();
  }
}

/**
 * Where every known agent keeps its state, for any process the supervisor starts (the agent, or one command:
 * `docker run img codex exec ...` must find the login kept in the state volume, whatever AGENTGATE_AGENT says).
 * OpenCode's XDG dirs are set only when OpenCode is the agent: they would move every other program's too.
 */
export function agentStateEnv(config: Config, env: Readonly<Record<string, string | undefined>>, configuredStateDir = config.state.stateDir): Record<string, string> {
  const stateDir = config.state.stateDir;
  return {
    ...claudeStateEnv(stateDir, env, configuredStateDir),
    ...codexStateEnv(stateDir, env, configuredStateDir),
    ...geminiStateEnv(stateDir, env, configuredStateDir),
    ...copilotStateEnv(stateDir, env, configuredStateDir),
    ...(config.agent.program === 'opencode' ? opencodeStateEnv(stateDir, env, configuredStateDir) : {}),
  };
}

/** Whether the agent continues its conversation after a restart when AGENTGATE_RESUME is unset: the agents that can. */
export function resumesByDefault(program: string): boolean {
  return Object.hasOwn(AGENT_PRESETS, program);
}

/**
 * The build argument that installs a preset's agent, for the error a start gives when it is missing; null for
 * any other program. Claude is in the default image unless it was built with CLAUDE_CODE_VERSION=none.
 */
export function installArgFor(program: string): string | null {
  if (program === 'claude') return '--build-arg AGENTS=claude (and a CLAUDE_CODE_VERSION other than none)';
  return Object.hasOwn(AGENT_PRESETS, program) ? `--build-arg AGENTS=claude,${program}` : null;
}

/**
 * How a held permission request is answered when the agent's profile does not say: the default agent's hook
 * format (a command line wrapping Claude, or a test's stand-in for it, posts the same PermissionRequest hook).
 */
export const defaultDecisionReply = claudeDecision;
