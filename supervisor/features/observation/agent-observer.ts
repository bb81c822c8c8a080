import type { AgentEvent } from '../../agent/events.js';
import type { WebhookPayload, WireEventData, WireEventName } from '../../contract/events.js';
import type { WebhookNotifier } from './webhook.js';
import type { EventStream } from './event-stream.js';
import type { Logger } from '../../log/logger.js';
import type { HookEvent } from '../../agent/events.js';
import { type AgentState, AgentStateMachine } from './state-machine.js';

/** States worth telling a person about through the webhook: the agent needs them. */
const NOTIFY_STATES: Partial<Record<AgentState, WebhookPayload['event']>> = { waiting: 'agent waiting for input', permission: 'agent needs permission' };

export interface AgentObserverOptions {
  hooks: boolean;
  idleMs: number;
  log: Logger;
  events: EventStream;
  webhook: WebhookNotifier | null;
  /** Facts every webhook carries: the container, the session. */
  identity: { container: string; session: string };
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

  /** A lifecycle event of the agent: to the state machine, to /events under its wire name, and a crash loop to the webhook. */
  lifecycle(event: Exclude<AgentEvent, { type: 'output' | 'hook' }>): void {
    const at = new Date(this.now()).toISOString();
    if (event.type === 'started') this.update((m, t) => m.agentStarted(t));
    if (event.type === 'exited') this.update((m, t) => m.agentExited(t, event.failed));
    const [name, data] = toWire(event);
    this.options.events.publish(name, { ...data, at });
    if (event.type === 'crash-loop') this.options.webhook?.notify({ event: 'crash loop', ...data, ...this.options.identity, at });
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

/** The agent core's event as /events names it (the documented wire names), without its time. */
function toWire(event: Exclude<AgentEvent, { type: 'output' | 'hook' }>): [WireEventName, Omit<WireEventData[WireEventName], 'at'>] {
  switch (event.type) {
    case 'started':
      return ['agent started', { pid: event.pid, restarts: event.restarts, ...(event.size ?? {}) }];
    case 'exited':
      return ['agent exited', { pid: event.pid, code: event.code, signal: event.signal, runMs: event.runMs, reason: event.reason, cause: event.cause, lastLines: event.lastLines }];
    case 'crash-loop':
      return ['crash loop', { restartsInWindow: event.restartsInWindow, restartsSinceStableRun: event.restartsSinceStableRun, windowMs: event.windowMs, cause: event.cause }];
    case 'stopping':
      return ['stopping', { pid: event.pid, graceMs: event.graceMs }];
    case 'oom-kill':
      return ['oom kill', { pid: event.pid, count: event.count, total: event.total, limitBytes: event.limitBytes }];
  }
}
