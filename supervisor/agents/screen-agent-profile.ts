import type { Config } from '../config/load-config.js';
import { latestResume } from './latest-resume.js';
import { type AgentProfile, explainFrom } from './profile.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * What sets one agent apart from another: its state dirs, resume words, login and causes, and, for one with hooks,
 * whether they tell when it is up, which calls count and how a held one is answered.
 */
export interface ScreenAgentSpec extends Pick<AgentProfile, 'name' | 'memoryFloorBytes' | 'loginSummary' | 'loginHint' | 'acceptsHook' | 'decisionReply' | 'promptSubmitHook' | 'openDialog' | 'inputReady' | 'promptInput'> {
  /** Its hooks say when it is ready too (a SessionStart once its input is up): `AgentProfile.hooks`. Default false. */
  readonly hooks?: boolean;
  /** Its variables that put its state in the state volume (the agent's own `<name>StateEnv`). */
  stateEnv(stateDir: string, env: Env): Record<string, string>;
  /** The one of those naming the dir its login and history are read from. */
  readonly homeVariable: string;
  /**
   * Readies a start given those variables (a dir made, a setting added); returns what the process gets. `env` and
   * `credentialUrl` (AGENTGATE_CREDENTIAL_URL) tell whether the egress proxy holds its API key.
   */
  prepareEnv?(vars: Record<string, string>, env: Env, credentialUrl: URL | null): Record<string, string>;
  /** Its words for "continue the latest conversation". */
  readonly continueArgs: readonly string[];
  /** Whether its home holds a conversation to continue. */
  hasHistory(home: string): boolean;
  /** `AgentProfile.needsLogin`, given its home too. */
  needsLogin(env: Env, home: string): boolean | null;
  /** Its own exit causes, tried before the ones every agent shares. */
  readonly causes?: ReadonlyArray<[RegExp, string]>;
}

/**
 * The profile of an agent other than Claude: its start judged from its screen unless `spec.hooks` says its hooks
 * tell when it is up (Gemini CLI's SessionStart; Codex's hooks report turns alone), its state in the state volume, resumed
 * with its "continue the latest" words. Its home is the one the last start's environment named (a user may
 * point the variable elsewhere), and the state dir's default until the first start.
 */
export function screenAgentProfile(config: Config, spec: ScreenAgentSpec): AgentProfile {
  const stateDir = config.state.stateDir;
  let home = spec.stateEnv(stateDir, {})[spec.homeVariable] as string;
  return {
    name: spec.name,
    hooks: spec.hooks ?? false,
    memoryFloorBytes: spec.memoryFloorBytes,
    agentEnv: (_config, env) => {
      const vars = spec.stateEnv(stateDir, env);
      home = vars[spec.homeVariable] as string;
      return spec.prepareEnv ? spec.prepareEnv(vars, env, config.credentialUrl) : vars;
    },
    ...latestResume(config.resume, spec.continueArgs, () => spec.hasHistory(home)),
    needsLogin: (env) => spec.needsLogin(env, home),
    loginSummary: spec.loginSummary,
    loginHint: spec.loginHint,
    explainExit: (lastLines) => explainFrom(spec.causes ?? [], lastLines),
    ...(spec.acceptsHook ? { acceptsHook: spec.acceptsHook } : {}),
    ...(spec.decisionReply ? { decisionReply: spec.decisionReply } : {}),
    ...(spec.promptSubmitHook ? { promptSubmitHook: true } : {}),
    ...(spec.openDialog ? { openDialog: spec.openDialog } : {}),
    ...(spec.inputReady ? { inputReady: spec.inputReady } : {}),
    ...(spec.promptInput ? { promptInput: spec.promptInput } : {}),
  };
}
