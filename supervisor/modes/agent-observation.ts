import { closeSync, openSync, readSync } from 'node:fs';
import { hostname } from 'node:os';
import { PaneOutput } from '../adapters/pane-output.js';
import { Recorder } from '../adapters/recorder.js';
import { SessionRecord, isSessionId } from '../adapters/session-record.js';
import { TranscriptTail } from '../adapters/transcript-tail.js';
import { WebhookNotifier } from '../adapters/webhook.js';
import type { Config } from '../config/load-config.js';
import { EventStream } from '../health/event-stream.js';
import type { HookRoute } from '../health/health-server.js';
import type { Logger } from '../log/logger.js';
import type { HookEvent } from '../policy/agent-state.js';
import { ResumePolicy } from '../policy/resume-policy.js';
import { AgentObserver } from './agent-observer.js';

export interface AgentObservation {
  observer: AgentObserver;
  /** The agent's terminal recorder (AGENTGATE_RECORD), or null. */
  recorder: Recorder | null;
  /** Starts recording a run at the pane's size (a no-op without AGENTGATE_RECORD); the recording's file name. */
  recordRun: (run: number, size: { width: number; height: number }) => string | null;
  events: EventStream;
  hookRoute: HookRoute;
  /** The pane's output FIFO, or null when it could not be made (the state then comes from hooks alone). */
  paneOutput: PaneOutput | null;
  resume: { policy: ResumePolicy; record: SessionRecord } | null;
  /** What the agent's environment needs for its hooks to reach the supervisor, once the health URL is known. */
  hookEnv: (healthUrl: string) => Record<string, string>;
  close: () => void;
}

/**
 * Everything that tells what the agent is doing: the state machine's observer, the /events stream, the
 * webhook, the hook endpoint with its per-start token, the pane's output and, for Claude, its session for
 * resuming. The composition root wires these into the supervisor and the health server.
 */
export async function observeAgent(
  config: Config,
  log: Logger,
  scrub: (text: string) => string,
  runtimeDir: string,
  /** The pane's size now, for resizes in recordings. */
  paneSize: () => Promise<{ width: number; height: number }>,
  /** Told of each hook and each change of the screen too (the first prompt's typing waits on both). */
  listener: { hook: (event: HookEvent) => void; screenActive: () => void } | null = null,
): Promise<AgentObservation> {
  const isClaude = config.agent.program === 'claude';
  const events = new EventStream(scrub);
  const webhook = config.notify ? new WebhookNotifier(config.notify.url, config.notify.secret, scrub, log.child({ component: 'webhook' })) : null;
  const observer = new AgentObserver({
    hooks: isClaude,
    idleMs: config.idleMs,
    log,
    events,
    webhook,
    identity: { container: hostname(), session: config.sessionName },
  });
  const recorder = openRecorder(config, log);
  const sizes = recorder ? new SizeWatch(paneSize, (size) => recorder.resize(size, Date.now())) : null;
  const opened = await PaneOutput.open(runtimeDir, (chunk) => {
    observer.screenActive();
    listener?.screenActive();
    recorder?.output(chunk, Date.now());
    sizes?.outputSeen();
  });
  if (typeof opened === 'string') log.warn({ reason: opened }, 'agent screen not watched: its state comes from hooks alone');
  const paneOutput = typeof opened === 'string' ? null : opened;
  const record = new SessionRecord(config.state.stateDir);
  const transcript = isClaude && config.transcript ? new TranscriptTail(config.state.stateDir, scrub, log.child({ component: 'transcript' })) : null;
  const token = randomHex(24);
  return {
    observer,
    recorder,
    recordRun: (run, size) => {
      if (!recorder) return null;
      // Resizes are judged against the size the run's header says.
      sizes?.reset(size);
      return recorder.startRun(run, size, Date.now());
    },
    events,
    paneOutput,
    resume: isClaude && config.resume ? { policy: new ResumePolicy(true), record } : null,
    hookRoute: {
      token,
      onHook: (event, body) => {
        log.debug({ event: event.name, type: event.notificationType ?? null }, 'hook received');
        observer.hook(event);
        listener?.hook(event);
        transcript?.onHook(body);
        if (event.name === 'SessionStart' && isClaude) noteSession(record, body.session_id, log);
      },
    },
    hookEnv: (healthUrl) => ({ AGENTGATE_HOOK_URL: `${healthUrl}/hooks`, AGENTGATE_HOOK_TOKEN: token }),
    close: () => {
      transcript?.close();
      recorder?.endRun();
      observer.close();
      events.close();
      paneOutput?.close();
    },
  };
}

/**
 * Keeps the session id a SessionStart hook reported, when it is of Claude's own form. The hook body comes from
 * the agent's side: a refused id is described (its type and length), never echoed.
 */
function noteSession(record: SessionRecord, id: unknown, log: Logger): void {
  if (!isSessionId(id)) {
    const hint = 'not a Claude session id (a UUID): a restart resumes the last id kept, or continues the latest conversation';
    log.warn({ type: typeof id, chars: typeof id === 'string' ? id.length : null, hint }, 'session id refused');
  } else if (!record.write(id)) {
    log.warn({ hint: 'the state dir is not writable: a restart continues the latest conversation instead' }, 'session id not kept');
  }
}

/**
 * Notices the pane's resizes for recordings without polling an idle pane: a resize makes the agent redraw, so
 * the size is looked at (one tmux command) at most once a second while output flows.
 */
class SizeWatch {
  private last: { width: number; height: number } | null = null;
  private lastCheckMs = 0;
  private checking = false;

  constructor(
    private readonly read: () => Promise<{ width: number; height: number }>,
    private readonly onResize: (size: { width: number; height: number }) => void,
  ) {}

  /** A new run starts at this size. */
  reset(size: { width: number; height: number }): void {
    this.last = size;
  }

  outputSeen(): void {
    const now = Date.now();
    if (this.checking || now - this.lastCheckMs < 1000) return;
    this.checking = true;
    this.lastCheckMs = now;
    void this.read()
      .then((size) => {
        if (this.last && (size.width !== this.last.width || size.height !== this.last.height)) this.onResize(size);
        this.last = size;
      })
      .finally(() => (this.checking = false));
  }
}

function openRecorder(config: Config, log: Logger): Recorder | null {
  if (!config.record) return null;
  try {
    const recorder = new Recorder({ dir: config.record.dir, maxTotalBytes: config.record.maxBytes });
    log.info({ dir: config.record.dir, maxBytes: config.record.maxBytes }, 'recording the agent\'s terminal');
    return recorder;
  } catch (error) {
    log.warn({ dir: config.record.dir, code: (error as NodeJS.ErrnoException).code }, 'recording off: its directory cannot be made');
    return null;
  }
}

/** `bytes` random bytes from the kernel, as hex: node:crypto would cost memory in every supervisor for this alone. */
function randomHex(bytes: number): string {
  const buffer = Buffer.alloc(bytes);
  const fd = openSync('/dev/urandom', 'r');
  try {
    readSync(fd, buffer, 0, bytes, null);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('hex');
}
