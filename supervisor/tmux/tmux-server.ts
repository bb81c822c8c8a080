import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SharedTmpError, StartupError } from '../errors.js';
import { cleanShellOptions, paneCommand } from './clean-exec.js';
import { lockSshSession } from './ssh-lock-apply.js';
import { chain, launchSequence } from './launch-sequence.js';
import { lastScreenLines, parsePaneLine } from './pane-text.js';
import { capturePaneScreen, type PaneScreen } from './pane-screen.js';
import { startProcess } from '../runtime/run-process.js';
import { type TmuxAnswer, pickTerminal, runTmuxClient, socketAnswers, waitForChannel } from './tmux-client.js';
import { readProcessStat, sendSignal } from '../runtime/process-tree.js';
import type { Logger } from '../log/logger.js';

const SCREEN_MARK = 'agentgate-screen-follows';

export interface PaneState {
  dead: boolean;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  signalNumber: number | null;
  pid: number;
}

export interface AgentPaneSpec {
  session: string;
  cwd: string;
  commandLine: string;
  /** tmux wait-for channel signalled when the pane dies or any session closes. */
  channel: string;
  /** The session still holds the previous agent's dead pane: respawn there. */
  respawn: boolean;
  /** Marks every process of this run (see clean-exec.ts). */
  runId: string;
  /** python3 for the clean launcher, or null. */
  python: string | null;
  /** A shell command tmux pipes the pane's output into (pipe-pane), or null. */
  pipeCommand?: string | null;
}

const READY_DEADLINE_MS = 5000;
const COMMAND_DEADLINE_MS = 5000;
/** The screen's last lines that `screenTail` reads by default: where an agent shows a dialog or its input. */
export const SCREEN_TAIL_LINES = 15;

/**
 * The tmux server, run in the foreground (`tmux -D`) as the supervisor's own child so that no daemon escapes
 * supervision, on the running user's default socket so that `tmux attach -t agent` needs no flags.
 * Every client command passes -N: a client must never start a server of its own.
 */
export class TmuxServer {
  private child: ChildProcess | null = null;
  private exitedPromise: Promise<void> = Promise.resolve();
  private running = false;
  /** True until the first agent starts on a new server: there is no session to look up yet. */
  private fresh = false;
  /** The agent's pane and window (`%N`, `@N`): targets that stay right when people open windows of their own. */
  private agentPane: string | null = null;
  private agentWindow: string | null = null;

  /** The environment the server, and through it every pane, gets: set by start(), once it is complete. */
  private env: Readonly<Record<string, string | undefined>> = {};

  /** `sshSession`: the locked session SSH logins attach to (see ssh-lock.ts), or null without SSH. */
  constructor(
    /** TMUX_TMPDIR: where this uid's socket lives (the container's own /tmp by default). */
    private readonly tmuxTmpDir: string,
    private readonly log: Logger,
    private readonly sshSession: string | null = null,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** Resolves when the server process ends, for whatever reason. */
  get exited(): Promise<void> {
    return this.exitedPromise;
  }

  /**
   * Refuses to start when a live tmux server already listens on this uid's socket: a second server would take
   * the socket over (tmux unlinks and binds it anew), and two supervisors would then drive one server and
   * overwrite each other's health URL. This happens when containers share one /tmp (a pod's shared emptyDir).
   * A socket left by a dead server (a container restart that kept its /tmp) refuses the connection and is fine.
   */
  async refuseSharedSocket(): Promise<void> {
    const socket = this.socketPath();
    if (!existsSync(socket) || !(await socketAnswers(socket))) return;
    throw new SharedTmpError(
      `another tmux server already listens on ${socket}: another supervisor (or tmux) shares this /tmp`,
      { hint: 'give each agent container its own /tmp (one emptyDir or tmpfs per container), or set TMUX_TMPDIR to a directory of its own' },
    );
  }

  async start(env: Readonly<Record<string, string | undefined>> = this.env): Promise<void> {
    this.env = env;
    await this.refuseSharedSocket();
    // Lives as long as the supervisor: no deadline; a supervisor that exits (even on a bug) takes it along.
    const server = startProcess('tmux', ['-D'], { env: this.env, timeoutMs: null, stdout: 'ignore' });
    const child = server.child;
    if (!child) throw new StartupError(`tmux server did not start: ${(await server.result).stderr}`);
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    this.child = child;
    this.running = true;
    this.fresh = true;
    this.agentPane = null;
    this.agentWindow = null;
    this.exitedPromise = server.result.then((result) => {
      process.off('exit', killOnExit);
      this.running = false;
      this.log.debug({ exitCode: result.exitCode, signal: result.signal ?? null }, 'tmux server exited');
    });
    // Wait for the socket file (a stat), then for it to accept a connection: a stale socket left by a killed
    // server also exists but refuses. A connection, not a tmux client: one process less on the way to ready.
    const until = Date.now() + READY_DEADLINE_MS;
    while (this.running && Date.now() <= until) {
      if (existsSync(this.socketPath()) && (await socketAnswers(this.socketPath()))) {
        this.log.debug({ pid: child.pid }, 'tmux server started');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const result = this.running ? null : await server.result;
    const stderr = result ? result.stderr.trim() || result.errorCode || `exit ${result.exitCode ?? result.signal}` : 'no answer within 5 s';
    child.kill('SIGKILL');
    throw new StartupError(`tmux server did not start: ${stderr}`);
  }

  /** True when the agent is a zombie of the server (dead, not yet reaped); the server is told to reap it. */
  nudgeIfZombie(agentPid: number): boolean {
    const serverPid = this.child?.pid;
    const stat = readProcessStat(agentPid);
    if (serverPid && stat?.state === 'Z' && stat.ppid === serverPid) {
      this.log.debug({ pid: agentPid, serverPid, detail: 'sending it SIGCHLD' }, 'tmux missed an exit');
      sendSignal(serverPid, 'SIGCHLD');
      return true;
    }
    return false;
  }

  /** Kills a server that stopped answering and starts a new one. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** tmux's default socket for this uid: `$TMUX_TMPDIR/tmux-<uid>/default`. */
  private socketPath(): string {
    return `${this.tmuxTmpDir}/tmux-${process.getuid?.() ?? 0}/default`;
  }

  /**
   * Starts the agent: respawned in the session's dead pane when `spec.respawn` says the session is still there
   * (attached clients stay attached), otherwise in a new session. Resolves with its pid.
   */
  async startAgent(spec: AgentPaneSpec): Promise<number> {
    if (spec.respawn && !this.fresh) {
      try {
        return await this.launch(spec, true);
      } catch {
        // The session went away during the backoff (a user killed it): start a new one.
      }
    }
    return this.launch(spec, false);
  }

  /** The agent's pane once known, otherwise the session's current window. */
  private target(session: string): string {
    return this.agentPane ?? `${session}:`;
  }

  private async launch(spec: AgentPaneSpec, respawn: boolean): Promise<number> {
    // A new agent session: the SSH session grouped with the old one holds the old window; it goes first.
    if (!respawn && this.sshSession && !this.fresh) await this.command(['kill-session', '-t', `=${this.sshSession}`]);
    const pane = paneCommand({ cwd: spec.cwd, commandLine: spec.commandLine, runId: spec.runId, python: spec.python });
    const target = respawn ? this.target(spec.session) : `${spec.session}:`;
    // The agent's window gone while its session lives on (people's windows in it): a new window there, not a
    // new session of the same name (refused) or a new server (which would take people's windows with it).
    const intoSession = !respawn && !this.fresh && (await this.command(['has-session', '-t', `=${spec.session}`])).ok;
    const create = intoSession
      ? ['new-window', '-t', `=${spec.session}:`, '-c', spec.cwd, '--', ...pane]
      : ['new-session', '-d', '-s', spec.session, '-x', '200', '-y', '50', '-c', spec.cwd, '--', ...pane];
    const sequence = launchSequence({ spec, respawn, target, pane, create, clean: cleanShellOptions(this.env, spec.python), terminal: pickTerminal() });
    const result = await this.command(chain(sequence));
    this.fresh = false;
    const [pidText, paneId, windowId] = (result.stdout.trim().split('\n').pop() ?? '').split(' ');
    const pid = Number(pidText);
    if (!result.ok || !Number.isInteger(pid) || pid <= 0) throw new Error(`tmux could not start the agent: ${result.stderr}`);
    this.agentPane = paneId?.startsWith('%') ? paneId : null;
    this.agentWindow = windowId?.startsWith('@') ? windowId : null;
    if (this.sshSession && this.agentPane && this.agentWindow) {
      const ids = { sshSession: this.sshSession, agentPane: this.agentPane, agentWindow: this.agentWindow };
      await lockSshSession((args) => this.command(args), { ...ids, session: spec.session, respawn, channel: spec.channel, log: this.log });
    }
    return pid;
  }

  /**
   * The session's first pane, or null when the session (or the server) is gone; 'no answer' when the client got
   * none (a busy or frozen server past the deadline, a client that could not start), which says nothing of the
   * pane. With `screenLines`, also its last lines (as screenTail), asked in the same client: a dead pane's record
   * costs one tmux client, not two.
   */
  async paneState(session: string, timeoutMs = COMMAND_DEADLINE_MS, screenLines = 0): Promise<(PaneState & { lastLines: string[] }) | null | 'no answer'> {
    // The agent's own pane among the session's panes: gone from the session (or the session gone) is null.
    const pane = this.agentPane;
    const args = pane ? ['list-panes', '-s', '-t', `=${session}`] : ['list-panes', '-t', `${session}:`];
    const list = [...args, '-F', '#{pane_dead} #{pane_dead_status} #{pane_dead_signal} #{pane_pid} #{pane_id}'];
    // A marker line ends the list: the screen after it can hold any text, the list only its format's.
    const capture = [['display-message', '-p', SCREEN_MARK], ['capture-pane', '-p', '-J', '-t', this.target(session), '-S', '-200']];
    const result = await this.command(screenLines > 0 ? chain([list, ...capture]) : list, timeoutMs);
    if (!result.ok) return result.answered ? null : 'no answer';
    const cut = result.stdout.indexOf(`${SCREEN_MARK}\n`);
    const listed = cut < 0 ? result.stdout : result.stdout.slice(0, cut);
    const line = pane ? listed.split('\n').find((l) => l.endsWith(` ${pane}`)) : listed.split('\n')[0];
    if (line === undefined) return null;
    return { ...parsePaneLine(line), lastLines: cut < 0 ? [] : lastScreenLines(result.stdout.slice(cut + SCREEN_MARK.length + 1), screenLines) };
  }

  /** The pane's size in cells (what a recording of it needs), or 200x50 (the size it is made with) when tmux does not say. */
  async paneSize(session: string): Promise<{ width: number; height: number }> {
    const result = await this.command(['display-message', '-p', '-t', this.target(session), '#{pane_width} #{pane_height}'], 1000);
    const [width, height] = result.stdout.trim().split(' ').map(Number);
    return result.ok && width && height ? { width, height } : { width: 200, height: 50 };
  }

  /** The pane's visible screen with colours (the board's live view), or null when it is gone. */
  screen(session: string): Promise<PaneScreen | null> {
    return capturePaneScreen((args, timeoutMs) => this.command(args, timeoutMs), this.target(session));
  }

  /**
   * The last non-blank lines of the pane's visible screen, at most `maxLines` lines of at most 200 characters
   * each: where a running agent shows a dialog or its input. Not its history: a dialog that a screen clear
   * pushed there (tmux's scroll-on-clear) is no longer open, and read as open it would hold a typing forever.
   */
  async screenTail(session: string, maxLines = SCREEN_TAIL_LINES, timeoutMs = COMMAND_DEADLINE_MS): Promise<string[]> {
    const result = await this.command(['capture-pane', '-p', '-J', '-t', this.target(session)], timeoutMs);
    if (!result.ok) return [];
    return lastScreenLines(result.stdout, maxLines);
  }

  /** A client blocked on `wait-for channel`; `done` resolves when signalled or when the server goes. */
  waitFor(channel: string): { done: Promise<void>; cancel: () => void } {
    return waitForChannel(this.env, channel);
  }

  /**
   * Ends the server (attached clients see it go) within `deadlineMs` in all: SIGTERM, then SIGKILL when it
   * has not ended by the deadline (a frozen server handles no signal).
   */
  async stop(deadlineMs = 2000): Promise<void> {
    if (!this.running || !this.child) return;
    const child = this.child;
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(1, deadlineMs));
    // What `kill-server` does (it signals its own server with SIGTERM), without starting a client for it.
    child.kill('SIGTERM');
    await this.exitedPromise;
    clearTimeout(timer);
  }

  /** Runs one client command with -N and a deadline; never throws. `input` is the client's stdin (`load-buffer -`): text that must not be in argv. */
  async command(args: string[], timeoutMs = COMMAND_DEADLINE_MS, input?: string): Promise<TmuxAnswer> {
    return runTmuxClient(this.env, args, timeoutMs, input);
  }
}

