import type { HookEvent } from '../../agent/events.js';

export type { HookEvent };

/**
 * What the agent is doing, from what it says (its hooks) and from its screen (output or stillness),
 * for agents that say nothing. Pure: time comes in with each call, so tests use a fake clock.
 */
export type AgentState = 'starting' | 'working' | 'waiting' | 'permission' | 'idle' | 'error' | 'stopped' | 'unknown';

export interface StateChange {
  state: AgentState;
  previous: AgentState;
  /** What moved it: a hook event's name, `screen active`, `screen still`, `agent started`, `agent exited`. */
  cause: string;
  atMs: number;
}

export interface AgentStateOptions {
  /** True for agents that report through hooks; others are judged by their screen alone. */
  hooks: boolean;
  /** A screen still this long ends `working`: a turn that ended without a Stop (Esc, a denial) or an agent gone quiet. */
  idleMs: number;
}

export class AgentStateMachine {
  private current: AgentState = 'unknown';
  private sinceMs: number;
  private lastActivityMs: number;
  private changes: StateChange[] = [];

  constructor(
    private readonly options: AgentStateOptions,
    nowMs: number,
  ) {
    this.sinceMs = nowMs;
    this.lastActivityMs = nowMs;
  }

  get state(): AgentState {
    return this.current;
  }

  /** When the current state began. */
  get since(): number {
    return this.sinceMs;
  }

  /** How long until stillness would count, from `nowMs`: when a timer should look again. */
  msUntilStill(nowMs: number): number {
    return Math.max(0, this.options.idleMs - (nowMs - this.lastActivityMs));
  }

  /** The changes since the last call, oldest first (for the log, /events and the webhook). */
  drainChanges(): StateChange[] {
    return this.changes.splice(0);
  }

  agentStarted(nowMs: number): void {
    this.lastActivityMs = nowMs;
    this.move('starting', 'agent started', nowMs);
  }

  agentExited(nowMs: number, failed: boolean): void {
    this.move(failed ? 'error' : 'stopped', 'agent exited', nowMs);
  }

  hook(event: HookEvent, nowMs: number): void {
    this.lastActivityMs = nowMs;
    const next = stateForHook(event);
    if (next) this.move(next, event.notificationType ? `${event.name} ${event.notificationType}` : event.name, nowMs);
  }

  /** The agent's screen changed. */
  screenActive(nowMs: number): void {
    this.lastActivityMs = nowMs;
    // With hooks, output alone never starts a turn (a redraw, a typed key); without them it is all we have.
    if (!this.options.hooks && (this.current === 'starting' || this.current === 'idle' || this.current === 'unknown')) {
      this.move('working', 'screen active', nowMs);
    }
  }

  /** Called now and then (each health report, a timer): stillness is noticed here. */
  tick(nowMs: number): void {
    if (nowMs - this.lastActivityMs < this.options.idleMs) return;
    if (this.current === 'working') this.move(this.options.hooks ? 'waiting' : 'idle', 'screen still', nowMs);
    else if (this.current === 'starting' && !this.options.hooks) this.move('idle', 'screen still', nowMs);
  }

  private move(next: AgentState, cause: string, nowMs: number): void {
    if (next === this.current) return;
    this.changes.push({ state: next, previous: this.current, cause, atMs: nowMs });
    this.current = next;
    this.sinceMs = nowMs;
  }
}

/** Claude's and Codex's hook names, and Gemini CLI's own for the same moments (AfterAgent ends a turn, ...). */
function stateForHook(event: HookEvent): AgentState | null {
  switch (event.name) {
    case 'SessionStart':
    case 'Stop':
    case 'AfterAgent':
      return 'waiting';
    case 'UserPromptSubmit':
    case 'PreToolUse':
    case 'PostToolUse':
    case 'BeforeAgent':
    case 'BeforeTool':
    case 'AfterTool':
      return 'working';
    case 'PermissionRequest':
      return 'permission';
    case 'StopFailure':
      return 'error';
    case 'SessionEnd':
      return 'stopped';
    case 'Notification':
      // Gemini CLI's ToolPermission notification (its image settings post it as tool_permission) only observes its dialog.
      if (event.notificationType === 'permission_prompt' || event.notificationType === 'tool_permission') return 'permission';
      if (event.notificationType === 'idle_prompt') return 'idle';
      return null;
    default:
      return null;
  }
}
