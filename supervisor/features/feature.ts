import type { AgentEvents } from '../agent/events.js';
import type { AgentProfile } from '../agents/profile.js';
import type { Config } from '../config/load-config.js';
import type { HealthSnapshot } from '../contract/health-report.js';
import type { EventStream } from './observation/event-stream.js';
import type { WebhookNotifier } from './observation/webhook.js';
import type { HttpRoute } from '../health/health-server.js';
import type { Logger } from '../log/logger.js';
import type { Runtime } from '../runtime/context.js';
import type { TmuxServer } from '../tmux/tmux-server.js';

/** What every feature is given: it subscribes to `events` and reads the rest; it changes none of it. */
export interface FeatureContext {
  config: Config;
  runtime: Runtime;
  log: Logger;
  /** Removes secret values from text that leaves the supervisor. */
  scrub: (text: string) => string;
  events: AgentEvents;
  /** The one `/events` stream of the health server: every feature publishes its wire events here. */
  eventStream: EventStream;
  /** The one webhook (AGENTGATE_NOTIFY_URL), shared so that its bounds hold for every feature; null when unset. */
  webhook: WebhookNotifier | null;
  profile: AgentProfile;
  /** The health report's facts now (for a feature that acts on the agent's state). */
  health: () => HealthSnapshot;
  /** Types text into the agent's session exactly as given, then Enter. */
  typeIntoSession: (text: string) => Promise<{ ok: boolean; stderr: string }>;
  /** The last lines of the agent's screen now. */
  screenTail: () => Promise<string[]>;
  /** The pane's size now (one tmux command). */
  paneSize: () => Promise<{ width: number; height: number }>;
  /** The agent's tmux server (to type into its pane); it runs once the agent starts. */
  tmux: TmuxServer;
  /** Settles when a stop begins. */
  stopping: Promise<void>;
}

/** A feature of agent mode, attached to the agent's events; each part is optional. */
export interface AgentFeature {
  /** Fields it adds to the health report. */
  report?: () => Partial<HealthSnapshot>;
  /** The `/events` stream it serves on the health server. */
  eventStream?: { stream: EventStream; current: () => unknown };
  /** Removes what it knows to be private from the agent's screen lines (the exit's last lines), beside the secrets. */
  scrub?: (text: string) => string;
  /** Its endpoints on the health server. */
  routes?: readonly HttpRoute[];
  /** It needs the pane's size in `started` (a recording's header). */
  needsPaneSize?: boolean;
  /** Runs once the health server listens and the agent's environment is complete, before the agent starts. */
  start?: (agentEnv: Readonly<Record<string, string | undefined>>) => Promise<void>;
  /** Undoes what it set up, when the supervisor ends. */
  close?: () => void;
}

/** Builds a feature from the context, or null when the configuration leaves it off. */
export type FeatureFactory = (context: FeatureContext) => AgentFeature | null | Promise<AgentFeature | null>;
