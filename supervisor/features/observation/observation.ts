import type { FeatureFactory } from '../feature.js';
import { AgentObserver } from './agent-observer.js';

/**
 * What the agent is doing, for people and tools: its state (from hooks, screen output and the run loop's
 * events) in health, on `/events` and, when someone is needed, through the webhook.
 */
export const observeAgentState: FeatureFactory = ({ config, runtime, log, events, eventStream: stream, webhook, profile }) => {
  const observer = new AgentObserver({
    hooks: profile.hooks,
    idleMs: config.idleMs,
    log,
    events: stream,
    webhook,
    identity: { container: runtime.hostname, session: config.sessionName },
  });
  const unsubscribe = events.subscribe((event) => {
    if (event.type === 'output') observer.screenActive();
    else if (event.type === 'hook') {
      log.debug({ event: event.event.name, type: event.event.notificationType ?? null }, 'hook received');
      observer.hook(event.event);
    } else observer.lifecycle(event);
  });
  return {
    report: () => ({ agentState: observer.snapshot() }),
    eventStream: { stream, current: () => observer.snapshot() },
    close: () => {
      unsubscribe();
      observer.close();
      stream.close();
    },
  };
};
