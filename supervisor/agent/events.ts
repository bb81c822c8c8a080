/**
 * The agent core's one typed stream of facts. The run loop, the pane's output and the hook endpoint emit;
 * features (observation, recording, SSH, ...) and the agent's profile subscribe. A new feature subscribes
 * here and touches neither the run loop nor main.ts.
 */
export type ExitReason = 'exited' | 'oom-killed' | 'stopped' | 'session killed' | 'tmux server died';

/** A hook call from the agent (its hooks post them through `agentgate-hook`). */
export interface HookEvent {
  name: string;
  /** Notification's kind: `permission_prompt`, `idle_prompt`, ... */
  notificationType?: string;
}

/**
 * Lets one listener keep a hook waiting for its output (a PermissionRequest hook reads a decision from the
 * hook's stdout). `hold` returns the function that ends the wait: with JSON for the hook to print, or with
 * nothing (null). `onGone` runs when the hook stops waiting first (the agent ended it).
 */
export interface HookReply {
  hold(onGone: () => void): (output: Record<string, unknown> | null) => void;
}

export interface AgentExited {
  type: 'exited';
  pid: number;
  code: number | null;
  signal: string | null;
  runMs: number;
  reason: ExitReason;
  /** Why, in a few words, when the screen says so for certain; else null. */
  cause: string | null;
  /** The last lines of the agent's screen, secrets scrubbed. */
  lastLines: string[];
  /** Decided once, here: an end that was not asked for (a stop) and was not a clean exit. */
  failed: boolean;
}

export type AgentEvent =
  | { type: 'started'; pid: number; restarts: number; size: { width: number; height: number } | null }
  | AgentExited
  | { type: 'crash-loop'; restartsInWindow: number; restartsSinceStableRun: number; windowMs: number; cause: string | null }
  | { type: 'stopping'; pid: number; graceMs: number }
  /** The container's OOM-kill counter rose while the agent ran: `count` this time, `total` this run. */
  | { type: 'oom-kill'; pid: number; count: number; total: number; limitBytes: number | null }
  /** What the agent's pane printed, as tmux piped it. */
  | { type: 'output'; chunk: Buffer; atMs: number }
  | { type: 'hook'; event: HookEvent; body: Record<string, unknown>; reply?: HookReply };

export type AgentEventListener = (event: AgentEvent) => void;

export class AgentEvents {
  private readonly listeners = new Set<AgentEventListener>();

  /** @param onListenerError a listener that throws must not stop the run loop or the other listeners. */
  constructor(private readonly onListenerError: (error: unknown, event: AgentEvent['type']) => void) {}

  /** Returns the function that unsubscribes. */
  subscribe(listener: AgentEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: AgentEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        this.onListenerError(error, event.type);
      }
    }
  }
}

/** An exit that was not a stop and not a clean exit (code 0, no signal). */
export function isFailedEnd(end: { reason: ExitReason; code: number | null; signal: string | null }): boolean {
  return end.reason !== 'stopped' && (end.code !== 0 || end.signal !== null);
}
