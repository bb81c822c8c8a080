import type { Config } from '../config/load-config.js';
import { claudeProfile, claudeStateEnv } from './claude/profile.js';
import { genericProfile } from './generic/profile.js';
import type { AgentProfile } from './profile.js';

export { DEFAULT_AGENT_EGRESS } from './egress-defaults.js';

/** The agent run when AGENTGATE_AGENT is unset. */
export const DEFAULT_AGENT = 'claude';
/** The agent's state dir (its login, settings and conversations) and the credentials file copied into it. */
export const DEFAULT_STATE_DIR = '/home/agentgate/.claude';
export const DEFAULT_CREDENTIALS_FILE = '/run/secrets/claude_credentials';

/** The agent presets: a name users can give instead of a command line. */
export const AGENT_PRESETS: Readonly<Record<string, string>> = { claude: 'claude' };

/**
 * The profile for the program the command line starts: an agent is recognized by its program however it is
 * named (the preset, or `claude --model ...`); any other program is a generic command line.
 */
export function profileFor(config: Config, scrub: (text: string) => string): AgentProfile {
  if (config.agent.program === 'claude') return claudeProfile(config, scrub);
  return genericProfile();
}

/**
 * Where every known agent keeps its state, for any process the supervisor starts (the agent, or one command:
 * `docker run img claude -p ...` must find the login kept in the state volume, whatever AGENTGATE_AGENT says).
 */
export function agentStateEnv(config: Config, env: Readonly<Record<string, string | undefined>>, configuredStateDir = config.state.stateDir): Record<string, string> {
  return { ...claudeStateEnv(config.state.stateDir, env, configuredStateDir) };
}

/** Whether the agent continues its conversation after a restart when AGENTGATE_RESUME is unset: the agents that can. */
export function resumesByDefault(program: string): boolean {
  return program === 'claude';
}
