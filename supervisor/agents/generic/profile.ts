import { type AgentProfile, explainFrom } from '../profile.js';

/** Any command line: restarted and watched by its screen, with no login, resume or hooks of its own. */
export function genericProfile(): AgentProfile {
  return {
    name: 'generic',
    hooks: false,
    memoryFloorBytes: 128 * 2 ** 20,
    agentEnv: () => ({}),
    startArgs: () => [],
    needsLogin: () => null,
    loginSummary: 'the agent has no credential; attach and follow its login',
    loginHint: (attachCommand) => `attach (${attachCommand}) and follow the agent's own login`,
    explainExit: (lastLines) => explainFrom([], lastLines),
    attach: () => () => undefined,
  };
}
