import { shellQuote } from '../adapters/first-prompt.js';
import type { MemoryCgroup } from '../adapters/memory-cgroup.js';
import type { SessionRecord } from '../adapters/session-record.js';
import { explainExit } from '../policy/explain-exit.js';
import type { ResumePolicy } from '../policy/resume-policy.js';
import type { TmuxServer } from '../adapters/tmux.js';
import { RUN_MARKER } from '../adapters/clean-exec.js';
import { PaneEvents } from '../adapters/pane-events.js';
import { readDeadPane, waitForAgentDeath } from '../adapters/agent-death.js';
import { killProcessTree, sendSignal, waitUntilGone } from '../adapters/process-tree.js';
import { type Config, STOP_CLEANUP_MS } from '../config/load-config.js';
import { EXIT } from '../errors.js';
import type { ExitRecord, HealthSnapshot } from '../health/health-state.js';
import type { Logger } from '../log/logger.js';
import { type AgentExit, RestartPolicy } from '../policy/restart-policy.js';
import { StopRequest, sleepUnless } from '../stop-request.js';

type AgentEnd = AgentExit & {
  signal: NodeJS.Signals | null;
  reason: 'exited' | 'oom-killed' | 'stopped' | 'session killed' | 'tmux server died';
  lastLines: string[];
};

export interface AgentSupervisorDeps {
  /** Is the workspace usable now? Checked before every start: an agent never starts elsewhere. */
  probeWorkspace: () => { ok: boolean; reason: string };
  /** python3 for the clean launcher, or null. */
  python: string | null;
  now?: () => number;
  random?: () => number;
  /** How often a waiting supervisor looks at the workspace again. */
  workspaceRetryMs?: number;
  /** Called after each start of the agent. */
  onAgentStarted?: (pid: number) => void;
  /** Removes secret values from text that leaves the supervisor (the agent's screen lines in health). */
  scrub?: (text: string) => string;
  /** The container's memory cgroup, to tell an OOM kill from any other SIGKILL. */
  memory?: MemoryCgroup;
  /** Claude continues its conversation after a restart: the policy and the session it last reported. */
  resume?: { policy: ResumePolicy; record: SessionRecord } | null;
  /** tmux pipes the pane's output into this shell command (the agent's screen activity), or nothing. */
  pipeCommand?: string | null;
  /** Add the pane's size (width, height) to `agent started` (a recording starts at that size). */
  paneSizeOnStart?: boolean;
  /** Lifecycle events for /events and the agent's state: `agent started`, `agent exited`, `crash loop`, `stopping`. */
  onEvent?: (name: string, fields: Record<string, unknown>) => void;
}

/**
 * Agent mode: keeps the agent alive in its tmux session, restarts it by the restart policy,
 * and on a stop signals it, waits the grace, then kills its whole tree and the tmux server.
 */
export class AgentSupervisor {
  readonly stop = new StopRequest();
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
        threshold: this.config.restart.crashLoopRestarts,
        windowMs: this.config.restart.crashLoopWindowMs,
      },
    };
  }

  /** Runs until a stop or the restart policy ends it; resolves with the supervisor's exit code. */
  async run(): Promise<number> {
    await this.tmux.start();
    let exitCode: number = EXIT.OK;
    while (!this.stop.isStopping) {
      if (!(await this.waitForWorkspace())) break;
      const channel = `agentgate-${process.pid}-${++this.generation}`;
      const runId = `${process.pid}-${this.generation}-${this.now()}`;
      const pid = await this.launchAgent(channel, runId);
      const startedAtMs = this.now();
      this.phase = 'running';
      this.agentPid = pid;
      this.sessionAlive = true;
      this.backoff = null;
      this.log.info({ pid, session: this.config.sessionName, restarts: this.restarts }, 'agent started');
      // The pane's size only when a recording needs it: one tmux command less on every other start.
      const size = this.deps.paneSizeOnStart ? await this.tmux.paneSize(this.config.sessionName) : {};
      this.deps.onEvent?.('agent started', { pid, restarts: this.restarts, ...size });
      this.deps.onAgentStarted?.(pid);

      const events = new PaneEvents(this.tmux, channel);
      const unwatch = this.tmux.watchForLostExit(pid);
      const marker = { name: RUN_MARKER, value: runId };
      const oomKillsBefore = this.deps.memory?.oomKills() ?? null;
      const waited = this.nameOomKill(await this.waitForAgentEnd(pid, events, startedAtMs), oomKillsBefore);
      if (waited === 'stop') {
        exitCode = await this.stopAgent(pid, events, startedAtMs, marker);
        unwatch();
        events.close();
        break;
      }
      unwatch();
      events.close();
      await this.recordExit(pid, waited, marker);
      const decision = this.policy.decide(waited);
      if (decision.action === 'exit') {
        this.log.info({ exitCode: decision.exitCode, policy: this.config.restart.policy }, 'restart policy ends supervisor');
        exitCode = decision.exitCode;
        break;
      }
      this.restarts += 1;
      this.phase = 'backoff';
      this.backoff = { attempt: decision.attempt, delayMs: decision.delayMs, restartAtMs: this.now() + decision.delayMs };
      this.log.info({ inMs: decision.delayMs, attempt: decision.attempt }, 'restart scheduled');
      if (this.policy.isCrashLooping(this.now())) {
        const fields = { restartsInWindow: this.policy.recentRestarts(this.now()), windowMs: this.config.restart.crashLoopWindowMs };
        this.log.warn(fields, 'crash loop');
        this.deps.onEvent?.('crash loop', fields);
      }
      const slept = await sleepUnless(decision.delayMs, this.stop.stopped);
      if (!slept) break; // a stop during the backoff wait is immediate: there is no agent to wait for
    }
    this.phase = 'stopping';
    this.sessionAlive = false;
    await this.tmux.stop(STOP_CLEANUP_MS);
    this.phase = 'stopped';
    return exitCode;
  }

  /**
   * An agent must never start outside its workspace: while the workspace is unusable (unreadable, gone),
   * the supervisor waits in phase `waiting`, health says why, and the agent starts once it is usable.
   * Resolves false when a stop came first.
   */
  private async waitForWorkspace(): Promise<boolean> {
    let check = this.deps.probeWorkspace();
    if (check.ok) return true;
    const phaseBefore = this.phase;
    this.phase = 'waiting';
    this.log.warn({ path: this.config.workspace.path, reason: check.reason }, 'workspace unusable; agent waits');
    while (!check.ok) {
      if (!(await sleepUnless(this.deps.workspaceRetryMs ?? 1000, this.stop.stopped))) return false;
      check = this.deps.probeWorkspace();
    }
    this.log.info({ path: this.config.workspace.path }, 'workspace usable again');
    this.phase = phaseBefore;
    return true;
  }

  /** Starts the agent; a tmux server that died or stopped answering is replaced once before giving up. */
  private async launchAgent(channel: string, runId: string): Promise<number> {
    const resumeArgs = this.deps.resume ? this.deps.resume.policy.argsForStart(this.deps.resume.record.read(), false) : [];
    if (resumeArgs.length > 0) this.log.info({ args: resumeArgs.join(' ') }, 'resuming the conversation');
    // The first prompt is never a word here (FirstPromptTyping types it): a prompt starting with `-` would be an option.
    const words = [this.config.agent.commandLine, ...resumeArgs.map(shellQuote)];
    const spec = {
      session: this.config.sessionName,
      cwd: this.config.workspace.path,
      commandLine: words.join(' '),
      pipeCommand: this.deps.pipeCommand ?? null,
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
        this.log.warn({ err: String(error) }, 'tmux not answering; replacing its server');
      }
    }
    await this.tmux.restart();
    return this.tmux.startAgent({ ...spec, respawn: false });
  }

  /** Waits, without polling, for the pane to die, the session to go or the server to die; or for a stop. */
  private async waitForAgentEnd(pid: number, events: PaneEvents, startedAtMs: number): Promise<AgentEnd | 'stop'> {
    const session = this.config.sessionName;
    for (;;) {
      const woke = await Promise.race([
        events.next().then(() => 'event' as const),
        this.tmux.exited.then(() => 'server' as const),
        this.stop.stopped.then(() => 'stop' as const),
      ]);
      if (woke === 'stop') return 'stop';
      const pane = woke === 'server' || !this.tmux.isRunning ? null : await this.tmux.paneState(session);
      const base = { startedAtMs, endedAtMs: this.now() };
      if (pane && pane.pid === pid && pane.dead) {
        const lastLines = await this.tmux.screenTail(session);
        return { ...base, code: pane.exitCode, signal: pane.signal, signalNumber: pane.signalNumber, reason: 'exited', lastLines };
      }
      if (pane && pane.pid === pid) continue; // another session closed: ours is fine
      const serverDied = !this.tmux.isRunning || woke === 'server';
      return {
        ...base,
        code: null,
        signal: null,
        signalNumber: null,
        infrastructure: true,
        reason: serverDied ? 'tmux server died' : 'session killed',
        lastLines: [],
      };
    }
  }

  /** An agent killed by SIGKILL while the cgroup's OOM-kill counter went up was killed for memory. */
  private nameOomKill(end: AgentEnd | 'stop', oomKillsBefore: number | null): AgentEnd | 'stop' {
    if (end === 'stop' || end.signal !== 'SIGKILL' || oomKillsBefore === null) return end;
    const after = this.deps.memory?.oomKills() ?? null;
    if (after === null || after <= oomKillsBefore) return end;
    this.log.warn({ limitBytes: this.deps.memory?.limitBytes() ?? null, runMs: end.endedAtMs - end.startedAtMs }, 'agent oom-killed');
    return { ...end, reason: 'oom-killed' };
  }

  /** The one place an agent's end is recorded and logged: one record, one shape, whatever ended it. */
  private noteExit(pid: number, end: AgentEnd): void {
    const runMs = end.endedAtMs - end.startedAtMs;
    const scrub = this.deps.scrub ?? ((text: string) => text);
    const lastLines = end.lastLines.map(scrub);
    const cause = explainExit(lastLines);
    this.agentPid = null;
    this.lastExit = { code: end.code, signal: end.signal, runMs, atMs: end.endedAtMs, reason: end.reason, lastLines, cause };
    this.log.info({ pid, code: end.code, signal: end.signal, runMs, reason: end.reason, cause, lastLines }, 'agent exited');
    this.deps.onEvent?.('agent exited', { pid, code: end.code, signal: end.signal, runMs, reason: end.reason, cause, lastLines });
    if (end.reason !== 'stopped' && this.deps.resume?.policy.noteExit(runMs)) {
      this.log.warn({ runMs, code: end.code }, 'resume failed; starting a fresh session');
    }
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

  /**
   * Graceful stop: SIGTERM to the agent's process group, the grace, then SIGKILL of the whole tree; all that
   * follows the grace (the kill, the wait for the tree to go, the tmux server's end) shares STOP_CLEANUP_MS.
   */
  private async stopAgent(pid: number, events: PaneEvents, startedAtMs: number, marker: { name: string; value: string }): Promise<number> {
    this.phase = 'stopping';
    const graceMs = this.config.stopGraceMs;
    this.log.info({ pid, graceMs, budgetMs: this.config.stopBudgetMs }, 'stopping');
    this.deps.onEvent?.('stopping', { pid, graceMs });
    // The pane's process leads its own process group: signal the group so its helpers hear it too.
    if (!sendSignal(-pid, 'SIGTERM')) sendSignal(pid, 'SIGTERM');
    const deadline = sleepUnless(graceMs, this.stop.forced).then((elapsed) => (elapsed ? 'grace exceeded' : 'second signal'));
    const outcome = await Promise.race([waitForAgentDeath(this.tmux, this.config.sessionName, pid, events, deadline).then(() => 'ended' as const), deadline]);
    const cleanupUntil = this.now() + STOP_CLEANUP_MS;
    const endedAtMs = this.now();
    if (outcome === 'ended') {
      // The exit status comes from tmux; a frozen tmux must not hold the stop past its budget.
      const pane = await readDeadPane(this.tmux, this.config.sessionName, pid, STOP_CLEANUP_MS / 2);
      const dead = pane !== null;
      this.noteExit(pid, {
        code: dead ? pane.exitCode : null,
        signal: dead ? pane.signal : null,
        signalNumber: dead ? pane.signalNumber : null,
        startedAtMs,
        endedAtMs,
        reason: 'stopped',
        lastLines: dead ? await this.tmux.screenTail(this.config.sessionName, 15, Math.max(50, cleanupUntil - this.now() - 1000)) : [],
      });
    }
    // Whatever ended, what is left of the agent's tree, session and run goes now.
    const leftovers = await killProcessTree(pid, 'SIGKILL', marker);
    // Leave the tmux server a share of the cleanup budget.
    const gone = await waitUntilGone([pid, ...leftovers], Math.max(0, cleanupUntil - this.now() - 500));
    let exitCode: number = EXIT.OK;
    if (outcome !== 'ended') {
      this.noteExit(pid, { code: null, signal: 'SIGKILL', signalNumber: 9, startedAtMs, endedAtMs, reason: 'stopped', lastLines: [] });
      this.log.warn({ pid, graceMs, reason: outcome, processes: leftovers.length, gone }, 'agent killed');
      exitCode = EXIT.KILLED;
    }
    this.sessionAlive = false;
    this.phase = 'stopping';
    await this.tmux.stop(Math.max(100, cleanupUntil - this.now()));
    return exitCode;
  }
}
