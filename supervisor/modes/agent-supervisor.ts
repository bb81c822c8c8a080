import type { TmuxServer } from '../adapters/tmux.js';
import { PaneEvents } from '../adapters/pane-events.js';
import { killProcessTree, sendSignal, waitUntilGone } from '../adapters/process-tree.js';
import type { Config } from '../config/load-config.js';
import { EXIT } from '../errors.js';
import type { HealthSnapshot } from '../health/health-state.js';
import type { Logger } from '../log/logger.js';
import { type AgentExit, RestartPolicy } from '../policy/restart-policy.js';
import { StopRequest, sleepUnless } from '../stop-request.js';

type AgentEnd = AgentExit & { signal: NodeJS.Signals | null; reason: 'exited' | 'session killed' | 'tmux server died' };

/**
 * Agent mode: keeps the agent alive in its tmux session, restarts it by the restart policy,
 * and on a stop signals it, waits the grace, then kills its whole tree and the tmux server.
 */
export class AgentSupervisor {
  readonly stop = new StopRequest();
  private readonly policy: RestartPolicy;
  private phase: HealthSnapshot['phase'] = 'starting';
  private agentPid: number | null = null;
  private sessionAlive = false;
  private restarts = 0;
  private generation = 0;
  private lastExit: HealthSnapshot['lastExit'] = null;
  private backoff: HealthSnapshot['backoff'] = null;

  constructor(
    private readonly config: Config,
    private readonly tmux: TmuxServer,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    random: () => number = Math.random,
  ) {
    this.policy = new RestartPolicy(config.restart, random);
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
      const channel = `agentgate-${process.pid}-${++this.generation}`;
      const pid = await this.launchAgent(channel);
      const startedAtMs = this.now();
      this.phase = 'running';
      this.agentPid = pid;
      this.sessionAlive = true;
      this.backoff = null;
      this.log.info({ pid, session: this.config.sessionName, restarts: this.restarts }, 'agent started');

      const events = new PaneEvents(this.tmux, channel);
      const unwatch = this.tmux.watchForLostExit(pid);
      const end = await this.waitForAgentEnd(pid, events, startedAtMs);
      if (end === 'stop') exitCode = await this.stopAgent(pid, events);
      unwatch();
      events.close();
      if (end === 'stop') break;
      await this.recordExit(pid, end);
      const decision = this.policy.decide(end);
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
        this.log.warn({ restartsInWindow: this.policy.recentRestarts(this.now()), windowMs: this.config.restart.crashLoopWindowMs }, 'crash loop');
      }
      const waited = await sleepUnless(decision.delayMs, this.stop.stopped);
      if (!waited) break; // a stop during the backoff wait is immediate: there is no agent to wait for
    }
    this.phase = 'stopping';
    this.sessionAlive = false;
    await this.tmux.stop();
    this.phase = 'stopped';
    return exitCode;
  }

  /** Starts the agent; a tmux server that died or stopped answering is replaced once before giving up. */
  private async launchAgent(channel: string): Promise<number> {
    const spec = {
      session: this.config.sessionName,
      cwd: this.config.workspace.path,
      commandLine: this.config.agent.commandLine,
      channel,
      respawn: this.sessionAlive,
    };
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
        return { ...base, code: pane.exitCode, signal: pane.signal, signalNumber: pane.signalNumber, reason: 'exited' };
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
      };
    }
  }

  private async recordExit(pid: number, end: AgentEnd): Promise<void> {
    const runMs = end.endedAtMs - end.startedAtMs;
    this.agentPid = null;
    this.lastExit = { code: end.code, signal: end.signal, runMs, atMs: end.endedAtMs };
    this.log.info({ pid, code: end.code, signal: end.signal, runMs, reason: end.reason }, 'agent exited');
    if (end.reason === 'tmux server died') {
      this.sessionAlive = false;
      this.log.warn({ pid }, 'tmux server died');
      await this.tmux.stop(); // reap it, whatever state it is in, before a new one starts
    } else if (end.reason === 'session killed') {
      this.sessionAlive = false;
      this.log.warn({ session: this.config.sessionName }, 'session killed');
    }
    // A restart starts from a clean slate: what the old agent left running in its session goes with it.
    const leftovers = await killProcessTree(pid, 'SIGKILL');
    if (leftovers.length > 0) this.log.info({ pid, count: leftovers.length }, 'agent leftovers killed');
  }

  /** Graceful stop: SIGTERM to the agent's process group, the grace, then SIGKILL of the whole tree. */
  private async stopAgent(pid: number, events: PaneEvents): Promise<number> {
    this.phase = 'stopping';
    const graceMs = this.config.stopGraceMs;
    this.log.info({ pid, graceMs }, 'stopping');
    // The pane's process leads its own process group: signal the group so its helpers hear it too.
    if (!sendSignal(-pid, 'SIGTERM')) sendSignal(pid, 'SIGTERM');
    const deadline = sleepUnless(graceMs, this.stop.forced).then((elapsed) => (elapsed ? 'grace exceeded' : 'second signal'));
    const outcome = await Promise.race([this.waitForPaneDeath(pid, events, deadline).then(() => 'ended'), deadline]);
    let exitCode: number = EXIT.OK;
    if (outcome === 'ended') {
      const pane = await this.tmux.paneState(this.config.sessionName);
      if (pane?.dead) this.lastExit = { code: pane.exitCode, signal: pane.signal, runMs: 0, atMs: this.now() };
      this.log.info({ pid, code: pane?.exitCode ?? null, signal: pane?.signal ?? null }, 'agent exited');
    }
    // Whatever ended, what is left of the agent's tree and session goes now.
    const leftovers = await killProcessTree(pid, 'SIGKILL');
    const gone = await waitUntilGone([pid, ...leftovers], 2000);
    if (outcome !== 'ended') {
      this.log.warn({ pid, graceMs, reason: outcome, processes: leftovers.length, gone }, 'agent killed');
      exitCode = EXIT.KILLED;
    }
    this.agentPid = null;
    return exitCode;
  }

  /** Resolves once the agent's pane is dead or gone, or when `abort` settles first. */
  private async waitForPaneDeath(pid: number, events: PaneEvents, abort: Promise<unknown>): Promise<void> {
    let aborted = false;
    void abort.then(() => (aborted = true));
    // The agent may have died between the stop request and the signal: look before waiting.
    let pane = await this.tmux.paneState(this.config.sessionName);
    while (!aborted && pane && pane.pid === pid && !pane.dead) {
      await Promise.race([events.next(), this.tmux.exited, abort]);
      if (aborted) return;
      pane = this.tmux.isRunning ? await this.tmux.paneState(this.config.sessionName) : null;
    }
  }
}
