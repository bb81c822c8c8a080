import type { AgentProfile } from '../agents/profile.js';
import { type Config, STOP_CLEANUP_MS } from '../config/load-config.js';
import type { ExitRecord, HealthSnapshot } from '../contract/health-report.js';
import { EXIT } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { MemoryCgroup } from '../runtime/memory-cgroup.js';
import { killProcessTree } from '../runtime/process-tree.js';
import { StopRequest, sleepUnless } from '../runtime/stop-request.js';
import { RUN_MARKER } from '../tmux/clean-exec.js';
import { watchForLostExit } from '../tmux/lost-exit.js';
import { PaneEvents } from '../tmux/pane-events.js';
import type { TmuxServer } from '../tmux/tmux-server.js';
import { type AgentEnd, waitForAgentEnd } from './agent-end.js';
import { nameOomKill, watchRunOomKills } from './oom-watch.js';
import { type AgentEvents, isFailedEnd } from './events.js';
import { shellQuote } from './shell-quote.js';
import { RestartPolicy } from './restart-policy.js';
import { stopAgent } from './stop-agent.js';
import { waitForWorkspace } from './workspace-wait.js';

export interface AgentSupervisorDeps {
  /** Where the run loop tells what happens (started, exited, crash loop, stopping). */
  events: AgentEvents;
  /** What the agent is: its start arguments (resume) and what its last screen lines mean. */
  profile: Pick<AgentProfile, 'startArgs' | 'explainExit'>;
  /** The stop this loop obeys (a feature may wait for its start). */
  stop?: StopRequest;
  /** Is the workspace usable now? Checked before every start: an agent never starts elsewhere. */
  probeWorkspace: () => { ok: boolean; reason: string };
  /** python3 for the clean launcher, or null. */
  python: string | null;
  now?: () => number;
  random?: () => number;
  /** How often a waiting supervisor looks at the workspace again. */
  workspaceRetryMs?: number;
  /** Removes secret values from text that leaves the supervisor (the agent's screen lines in health). */
  scrub?: (text: string) => string;
  /** The container's memory cgroup: its OOM kills are reported while the agent runs and name the end they cause. */
  memory?: MemoryCgroup;
  /** How often the OOM-kill counter is read while the agent runs (default OOM_POLL_MS). */
  oomPollMs?: number;
  /** tmux pipes the pane's output into this shell command (the agent's screen activity), or nothing; made while the supervisor starts. */
  pipeCommand?: Promise<string | null>;
  /** Put the pane's size into `started` (a recording starts at that size). */
  paneSizeOnStart?: boolean;
}

/**
 * Agent mode: keeps the agent alive in its tmux session, restarts it by the restart policy,
 * and on a stop signals it, waits the grace, then kills its whole tree and the tmux server.
 */
export class AgentSupervisor {
  readonly stop: StopRequest;
  private readonly policy: RestartPolicy;
  private readonly now: () => number;
  private phase: HealthSnapshot['phase'] = 'starting';
  private agentPid: number | null = null;
  private sessionAlive = false;
  private restarts = 0;
  private generation = 0;
  private lastExit: ExitRecord | null = null;
  private backoff: HealthSnapshot['backoff'] = null;

  constructor(
    private readonly config: Config,
    private readonly tmux: TmuxServer,
    private readonly log: Logger,
    private readonly deps: AgentSupervisorDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.stop = deps.stop ?? new StopRequest();
    this.policy = new RestartPolicy(config.restart, deps.random ?? Math.random);
  }

  /** The supervisor's state for health; workspace and timing are filled in by the caller. */
  snapshot(): Omit<HealthSnapshot, 'workspace' | 'startedAtMs' | 'version' | 'mode'> {
    const nowMs = this.now();
    return {
      phase: this.phase,
      sessionAlive: this.sessionAlive && this.tmux.isRunning,
      agentPid: this.agentPid,
      restarts: this.restarts,
      lastExit: this.lastExit,
      backoff: this.backoff,
      crashLoop: {
        looping: this.policy.isCrashLooping(nowMs),
        restartsInWindow: this.policy.recentRestarts(nowMs),
        restartsSinceStableRun: this.policy.restartsSinceStableRun,
        threshold: this.config.restart.crashLoopRestarts,
        windowMs: this.config.restart.crashLoopWindowMs,
      },
    };
  }

  /**
   * Runs until a stop or the restart policy ends it, with the agent in `agentEnv`; resolves with the exit code.
   * `tmuxStarting`: the tmux server's start, already under way with that environment (else it is started here).
   */
  async run(agentEnv: Readonly<Record<string, string | undefined>>, tmuxStarting?: Promise<void>): Promise<number> {
    await (tmuxStarting ?? this.tmux.start(agentEnv));
    let exitCode: number = EXIT.OK;
    while (!this.stop.isStopping) {
      if (!(await this.waitForWorkspace())) break;
      const channel = `agentgate-${process.pid}-${++this.generation}`;
      const runId = `${process.pid}-${this.generation}-${this.now()}`;
      const pid = await this.launchAgent(channel, runId);
      const startedAtMs = this.now();
      this.policy.runStarted(startedAtMs);
      this.phase = 'running';
      this.agentPid = pid;
      this.sessionAlive = true;
      this.backoff = null;
      this.log.info({ pid, session: this.config.sessionName, restarts: this.restarts }, 'agent started');
      // The pane's size only when a recording needs it: one tmux command less on every other start.
      const size = this.deps.paneSizeOnStart ? await this.tmux.paneSize(this.config.sessionName) : null;
      this.deps.events.emit({ type: 'started', pid, restarts: this.restarts, size });

      const events = new PaneEvents(this.tmux, channel);
      const unwatch = watchForLostExit(this.tmux, pid);
      const marker = { name: RUN_MARKER, value: runId };
      const oom = watchRunOomKills({ memory: this.deps.memory, pid, now: this.now, log: this.log, events: this.deps.events, intervalMs: this.deps.oomPollMs });
      const waited = await waitForAgentEnd({ tmux: this.tmux, session: this.config.sessionName, pid, events, startedAtMs, stopped: this.stop.stopped, now: this.now });
      if (waited === 'stop') {
        oom?.finish(this.now());
        this.phase = 'stopping';
        this.log.info({ pid, graceMs: this.config.stopGraceMs, budgetMs: this.config.stopBudgetMs }, 'stopping');
        this.deps.events.emit({ type: 'stopping', pid, graceMs: this.config.stopGraceMs });
        exitCode = await stopAgent({ ...this.stopContext(), pid, events, startedAtMs, marker, noteExit: (e) => this.noteExit(pid, e) });
        this.sessionAlive = false;
        unwatch();
        events.close();
        break;
      }
      unwatch();
      events.close();
      const end = nameOomKill(waited, oom, this.deps.memory, this.log);
      await this.recordExit(pid, end, marker);
      const decision = this.policy.decide(end);
      if (decision.action === 'exit') {
        this.log.info({ exitCode: decision.exitCode, policy: this.config.restart.policy }, 'restart policy ends supervisor');
        exitCode = decision.exitCode;
        break;
      }
      this.restarts += 1;
      this.phase = 'backoff';
      // The delay counts from the agent's end: recording it (a tmux client, the leftovers' kill) is part of the wait.
      const restartAtMs = end.endedAtMs + decision.delayMs;
      this.backoff = { attempt: decision.attempt, delayMs: decision.delayMs, restartAtMs };
      this.log.info({ inMs: decision.delayMs, attempt: decision.attempt }, 'restart scheduled');
      if (this.policy.isCrashLooping(this.now())) {
        const fields = {
          restartsInWindow: this.policy.recentRestarts(this.now()),
          restartsSinceStableRun: this.policy.restartsSinceStableRun,
          windowMs: this.config.restart.crashLoopWindowMs,
          // Why it keeps failing, when its screen said so: every view of the loop names the real cause.
          cause: this.lastExit?.cause ?? null,
        };
        this.log.warn(fields, 'crash loop');
        this.deps.events.emit({ type: 'crash-loop', ...fields });
      }
      const slept = await sleepUnless(Math.max(0, restartAtMs - this.now()), this.stop.stopped);
      if (!slept) break; // a stop during the backoff wait is immediate: there is no agent to wait for
    }
    this.phase = 'stopping';
    this.sessionAlive = false;
    await this.tmux.stop(STOP_CLEANUP_MS);
    this.phase = 'stopped';
    return exitCode;
  }

  private stopContext() {
    return { config: this.config, tmux: this.tmux, log: this.log, stop: this.stop, now: this.now };
  }

  /** An agent never starts outside its workspace: phase `waiting` while it is unusable; false when a stop came first. */
  private async waitForWorkspace(): Promise<boolean> {
    const phaseBefore = this.phase;
    return waitForWorkspace({
      probe: this.deps.probeWorkspace,
      path: this.config.workspace.path,
      retryMs: this.deps.workspaceRetryMs ?? 1000,
      stopped: this.stop.stopped,
      log: this.log,
      onWaiting: (waiting) => (this.phase = waiting ? 'waiting' : phaseBefore),
    });
  }

  /** Starts the agent; a tmux server that died or stopped answering is replaced once before giving up. */
  private async launchAgent(channel: string, runId: string): Promise<number> {
    const startArgs = this.deps.profile.startArgs();
    if (startArgs.length > 0) this.log.info({ args: startArgs.join(' ') }, 'resuming the conversation');
    // The first prompt is never a word here (the first-prompt feature types it): a prompt starting with `-` would be an option.
    const spec = {
      session: this.config.sessionName,
      cwd: this.config.workspace.path,
      commandLine: [this.config.agent.commandLine, ...startArgs.map(shellQuote)].join(' '),
      pipeCommand: (await this.deps.pipeCommand) ?? null,
      channel,
      runId,
      python: this.deps.python,
      respawn: this.sessionAlive,
    };
    return this.startInTmux(spec);
  }

  private async startInTmux(spec: Parameters<TmuxServer['startAgent']>[0]): Promise<number> {
    if (this.tmux.isRunning) {
      try {
        return await this.tmux.startAgent(spec);
      } catch (error) {
        this.log.warn({ err: String(error), detail: 'replacing its server' }, 'tmux not answering');
      }
    }
    await this.tmux.restart();
    return this.tmux.startAgent({ ...spec, respawn: false });
  }

  /** The one place an agent's end is recorded, logged and told: one record, one shape, whatever ended it. */
  private noteExit(pid: number, end: AgentEnd): void {
    const runMs = end.endedAtMs - end.startedAtMs;
    const scrub = this.deps.scrub ?? ((text: string) => text);
    const lastLines = end.lastLines.map(scrub);
    // An OOM kill is certain from the kernel's counter even when the screen says nothing.
    const cause = this.deps.profile.explainExit(lastLines) ?? (end.reason === 'oom-killed' ? 'out of memory' : null);
    this.agentPid = null;
    this.lastExit = { code: end.code, signal: end.signal, runMs, atMs: end.endedAtMs, reason: end.reason, lastLines, cause };
    this.log.info({ pid, code: end.code, signal: end.signal, runMs, reason: end.reason, cause, lastLines }, 'agent exited');
    this.deps.events.emit({ type: 'exited', pid, code: end.code, signal: end.signal, runMs, reason: end.reason, cause, lastLines, failed: isFailedEnd(end) });
  }

  private async recordExit(pid: number, end: AgentEnd, marker: { name: string; value: string }): Promise<void> {
    this.noteExit(pid, end);
    if (end.reason === 'tmux server died') {
      this.sessionAlive = false;
      this.log.warn({ pid }, 'tmux server died');
      await this.tmux.stop(); // reap it, whatever state it is in, before a new one starts
    } else if (end.reason === 'session killed') {
      this.sessionAlive = false;
      this.log.warn({ session: this.config.sessionName }, 'session killed');
    }
    // A restart starts from a clean slate: what the old agent left running goes with it, wherever it moved.
    const leftovers = await killProcessTree(pid, 'SIGKILL', marker);
    if (leftovers.length > 0) this.log.info({ pid, count: leftovers.length }, 'agent leftovers killed');
  }
}
