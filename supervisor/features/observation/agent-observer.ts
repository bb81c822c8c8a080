import type { WebhookNotifier } from './webhook.js';
import type { EventStream } from './event-stream.js';
import type { Logger } from '../../log/logger.js';
import { type AgentState, AgentStateMachine, type HookEvent } from './state-machine.js';

/** States worth telling a person about through the webhook: the agent needs them. */
const NOTIFY_STATES: Partial<Record<AgentState, string>> = { waiting: 'agent waiting for input', permission: 'agent needs permission' };

export interface AgentObserverOptions {
  hooks: boolean;
  idleMs: number;
  log: Logger;
  events: EventStream;
  webhook: WebhookNotifier | null;
  /** Facts every webhook carries: the container, the session. */
  identity: Record<string, string>;
  now?: () => number;
}

/**
 * What the agent is doing, for people and tools: feeds the state machine with hook events, screen output
 * and the supervisor's lifecycle, and sends each change to the log (one line per change), to /events and,
 * when the agent needs someone, to the webhook.
 */
export class AgentObserver {
  private readonly machine: AgentStateMachine;
  private readonly now: () => number;
  private stillnessTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: AgentObserverOptions) {
    this.now = options.now ?? Date.now;
    this.machine = new AgentStateMachine({ hooks: options.hooks, idleMs: options.idleMs }, this.now());
  }

  /** The state and since when, for health. */
  snapshot(): { state: AgentState; sinceMs: number } {
    this.update((m, t) => m.tick(t));
    return { state: this.machine.state, sinceMs: this.machine.since };
  }

  hook(event: HookEvent): void {
    this.update((m, t) => m.hook(event, t));
  }

  screenActive(): void {
    this.update((m, t) => m.screenActive(t));
  }

  /** A lifecycle event: `agent started`, `agent exited`, `crash loop`, ... (also on /events and, for a crash loop, the webhook). */
  lifecycle(name: string, fields: Record<string, unknown>): void {
    if (name === 'agent started') this.update((m, t) => m.agentStarted(t));
    // A stop is not a failure, whatever status the agent ended with.
    const failed = fields.reason !== 'stopped' && (fields.code !== 0 || fields.signal !== null);
    if (name === 'agent exited') this.update((m, t) => m.agentExited(t, failed));
    this.options.events.publish(name, { ...fields, at: new Date(this.now()).toISOString() });
    if (name === 'crash loop') this.options.webhook?.notify({ event: 'crash loop', ...fields, ...this.options.identity, at: new Date(this.now()).toISOString() });
  }

  close(): void {
    if (this.stillnessTimer) clearTimeout(this.stillnessTimer);
  }

  private update(step: (machine: AgentStateMachine, nowMs: number) => void): void {
    step(this.machine, this.now());
    this.watchForStillness();
    for (const change of this.machine.drainChanges()) {
      const at = new Date(change.atMs).toISOString();
      this.options.log.info({ state: change.state, previous: change.previous, cause: change.cause }, 'agent state');
      this.options.events.publish('state', { state: change.state, previous: change.previous, cause: change.cause, at });
      const event = NOTIFY_STATES[change.state];
      if (event) this.options.webhook?.notify({ event, state: change.state, previous: change.previous, ...this.options.identity, at });
    }
  }

  /**
   * Stillness can only end `working` or `starting`: only then is a timer armed, one idle period after the
   * last activity, so that an idle supervisor is never woken for it.
   */
  private watchForStillness(): void {
    const state = this.machine.state;
    if (this.stillnessTimer || (state !== 'working' && state !== 'starting')) return;
    this.stillnessTimer = setTimeout(() => {
      this.stillnessTimer = null;
      this.update((m, t) => m.tick(t));
    }, this.machine.msUntilStill(this.now()) + 20);
    this.stillnessTimer.unref();
  }
}
