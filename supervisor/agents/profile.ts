import type { AgentEvents, HookEvent } from '../agent/events.js';
import type { Config } from '../config/load-config.js';
import type { Logger } from '../log/logger.js';

/**
 * What an agent is, apart from its command line: how it resumes, how it logs in, what its screen says when
 * it dies, how much memory it needs and where its state lives. One folder per agent under agents/; the run
 * loop and the features know only this interface.
 */
export interface AgentProfile {
  readonly name: string;
  /** It reports its state through hooks; otherwise its state is judged from its screen alone. */
  readonly hooks: boolean;
  /**
   * Its start is judged from its screen, but its UserPromptSubmit hook says when a typed prompt was taken (Copilot
   * CLI, whose SessionStart comes only with the first prompt): the first prompt counts as given on that hook.
   */
  readonly promptSubmitHook?: boolean;
  /** Below this memory limit it is likely to be OOM-killed at work. */
  readonly memoryFloorBytes: number;
  /** Variables its process needs, given the configuration (its config dir in the state volume, ...). */
  agentEnv(config: Config, env: Readonly<Record<string, string | undefined>>): Record<string, string>;
  /** Words added to the command line of the next start (resume flags); called once per start. */
  startArgs(): string[];
  /** True when it waits at its login prompt, false when it has a credential, null when it cannot be told. */
  needsLogin(env: Readonly<Record<string, string | undefined>>): boolean | null;
  /** What `status` says while it needs a login: one line. */
  readonly loginSummary: string;
  /** What a person does to log it in, given the command that attaches to its session. */
  loginHint(attachCommand: string): string;
  /** Why it exited, in a few words, when its last screen lines say so for certain; else null. */
  explainExit(lastLines: readonly string[]): string | null;
  /**
   * A dialog open on its screen that a typed prompt would answer instead (its question, in a few words), else
   * null. Prompts from outside are refused while one is open.
   */
  openDialog?(screenLines: readonly string[]): string | null;
  /**
   * Whether its input is drawn on the screen (the first prompt is typed only then), for an agent that draws a
   * screen and goes quiet before its input takes keys; absent: a still screen is enough.
   */
  inputReady?(screenLines: readonly string[]): boolean;
  /**
   * Its input as its screen shows it, for a first prompt three Enters did not submit: `empty` when the screen says
   * for certain that nothing was typed nor submitted (the typing was lost: typed again), else null (a dialog, a
   * conversation, text in the input, or a screen it does not know). Absent: the prompt waits for the screen to change.
   */
  promptInput?(screenLines: readonly string[]): 'empty' | null;
  /**
   * Whether a hook call belongs to the conversation people see; others are dropped before any feature hears
   * them (Codex's hooks fire for the side thread that titles each task, too). Absent: every call counts.
   */
  acceptsHook?(event: HookEvent, body: Record<string, unknown>): boolean;
  /** The hook output that answers a held permission request, for agents whose hooks take one; else absent. */
  decisionReply?(answer: { behavior: 'allow' | 'deny'; message?: string; by: string }): Record<string, unknown>;
  /** Subscribes to the agent's events (resume bookkeeping, transcript); returns what undoes it. */
  attach(events: AgentEvents, log: Logger): () => void;
}

/** Causes any agent's screen can show (the coding agents' CLIs word these alike). */
const COMMON_CAUSES: Array<[RegExp, string]> = [
  [/Unable to connect to \w+ services|Failed to connect to \S+: (EAI_AGAIN|ENOTFOUND|ECONNREFUSED|ETIMEDOUT)|API Error: Connection error/i, 'cannot reach its API'],
  [/Invalid API key|authentication_error|OAuth token has expired|Please run \/login/i, 'not logged in'],
  [/JavaScript heap out of memory|Cannot allocate memory|ENOMEM/i, 'out of memory'],
];

/** The first cause whose pattern the last lines match, the agent's own causes first. */
export function explainFrom(causes: ReadonlyArray<[RegExp, string]>, lastLines: readonly string[]): string | null {
  const text = lastLines.join('\n');
  for (const [pattern, cause] of [...causes, ...COMMON_CAUSES]) if (pattern.test(text)) return cause;
  return null;
}
