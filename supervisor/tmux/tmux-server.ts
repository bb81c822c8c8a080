import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { constants as osConstants } from 'node:os';
import { type ResultPromise, execa } from 'execa';
import { SharedTmpError, StartupError } from '../errors.js';
import { paneCommand } from './clean-exec.js';
import { readProcessStat, sendSignal } from '../runtime/process-tree.js';
import type { Logger } from '../log/logger.js';

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

/**
 * The tmux server, run in the foreground (`tmux -D`) as the supervisor's own child so that no daemon escapes
 * supervision, on the running user's default socket so that `tmux attach -t agent` needs no flags.
 * Every client command passes -N: a client must never start a server of its own.
 */
export class TmuxServer {
  private child: ResultPromise | null = null;
  private exitedPromise: Promise<void> = Promise.resolve();
  private running = false;
  /** True until the first agent starts on a new server: there is no session to look up yet. */
  private fresh = false;

  /** The environment the server, and through it every pane, gets: set by start(), once it is complete. */
  private env: Readonly<Record<string, string | undefined>> = {};

  constructor(
    /** TMUX_TMPDIR: where this uid's socket lives (the container's own /tmp by default). */
    private readonly tmuxTmpDir: string,
    private readonly log: Logger,
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
      `another tmux server already listens on ${socket}: another supervisor (or tmux) shares this /tmp. ` +
        'Give each agent container its own /tmp (one emptyDir or tmpfs per container), or set TMUX_TMPDIR to a directory of its own',
    );
  }

  async start(env: Readonly<Record<string, string | undefined>> = this.env): Promise<void> {
    this.env = env;
    await this.refuseSharedSocket();
    const child = execa('tmux', ['-D'], { env: this.env, extendEnv: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', reject: false, cleanup: true });
    this.child = child;
    this.running = true;
    this.fresh = true;
    this.exitedPromise = child.then((result) => {
      this.running = false;
      this.log.debug({ exitCode: result.exitCode, signal: result.signal ?? null }, 'tmux server exited');
    });
    // Wait for the socket file (a stat, no process) before asking a client; a stale socket left by a killed
    // server also exists, so the client's answer is what counts.
    const until = Date.now() + READY_DEADLINE_MS;
    while (this.running && Date.now() <= until) {
      if (existsSync(this.socketPath()) && (await this.command(['start-server'])).ok) {
        this.log.debug({ pid: child.pid }, 'tmux server started');
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const result = this.running ? null : await child;
    const stderr = result ? String(result.stderr).trim() || result.shortMessage : 'no answer within 5 s';
    child.kill('SIGKILL');
    throw new StartupError(`tmux server did not start: ${stderr}`);
  }

  /**
   * tmux 3.3a can lose the SIGCHLD of a pane that exits within milliseconds of a respawn: the agent then stays
   * an unreaped zombie and pane-died never fires. Until the returned function is called, this checks the agent
   * (one /proc read) and, when tmux has left it a zombie, sends tmux the SIGCHLD again so that it reaps the
   * pane and runs its hooks as usual. The check is frequent right after a start, when the loss happens, and
   * sparse later, so that a lost exit costs at most a few tens of milliseconds without waking an idle supervisor
   * often.
   */
  watchForLostExit(agentPid: number, schedule = { earlyMs: 20, earlyForMs: 3000, laterMs: 500 }): () => void {
    const startedAtMs = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const tick = () => {
      this.nudgeIfZombie(agentPid);
      const early = Date.now() - startedAtMs < schedule.earlyForMs;
      timer = setTimeout(tick, early ? schedule.earlyMs : schedule.laterMs);
      timer.unref();
    };
    tick();
    return () => clearTimeout(timer);
  }

  /** True when the agent is a zombie of the server (dead, not yet reaped); the server is told to reap it. */
  nudgeIfZombie(agentPid: number): boolean {
    const serverPid = this.child?.pid;
    const stat = readProcessStat(agentPid);
    if (serverPid && stat?.state === 'Z' && stat.ppid === serverPid) {
      this.log.debug({ pid: agentPid, serverPid }, 'tmux missed an exit; sending it SIGCHLD');
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

  private async launch(spec: AgentPaneSpec, respawn: boolean): Promise<number> {
    const hooks = [
      ['set-hook', '-g', 'pane-died', `wait-for -S ${spec.channel}`],
      ['set-hook', '-g', 'session-closed', `wait-for -S ${spec.channel}`],
    ];
    const pane = paneCommand({ cwd: spec.cwd, commandLine: spec.commandLine, runId: spec.runId, python: spec.python });
    const launch = respawn
      ? [['respawn-pane', '-k', '-t', `${spec.session}:`, '-c', spec.cwd, '--', ...pane]]
      : [
          // remain-on-exit is on globally only while the session is created, so that an agent exiting at once
          // still leaves a dead pane to read, and windows users open later behave as tmux's defaults.
          ['set-option', '-g', 'default-terminal', pickTerminal()],
          ['set-option', '-gw', 'remain-on-exit', 'on'],
          ['new-session', '-d', '-s', spec.session, '-x', '200', '-y', '50', '-c', spec.cwd, '--', ...pane],
          ['set-option', '-w', '-t', `${spec.session}:`, 'remain-on-exit', 'on'],
          ['set-option', '-w', '-t', `${spec.session}:`, 'remain-on-exit-format', EXIT_MESSAGE],
          ['set-option', '-gwu', 'remain-on-exit'],
        ];
    const pipe = spec.pipeCommand ? [['pipe-pane', '-O', '-t', `${spec.session}:`, spec.pipeCommand]] : [];
    const sequence = [...hooks, ...launch, ...pipe, ['display-message', '-p', '-t', `${spec.session}:`, '#{pane_pid}']];
    const result = await this.command(sequence.flatMap((args, i) => (i === 0 ? args : [';', ...args])));
    this.fresh = false;
    const pid = Number(result.stdout.trim().split('\n').pop());
    if (!result.ok || !Number.isInteger(pid) || pid <= 0) throw new Error(`tmux could not start the agent: ${result.stderr}`);
    return pid;
  }

  /**
   * Types `text` into the session exactly as given, then Enter: loaded into a buffer from stdin (no shell, no
   * tmux key names), pasted with -p (bracketed when the agent asked for it, so newlines do not submit early).
   */
  async pasteText(session: string, text: string): Promise<{ ok: boolean; stderr: string }> {
    const buffer = `agentgate-prompt-${process.pid}`;
    const load = await this.command(['load-buffer', '-b', buffer, '-'], COMMAND_DEADLINE_MS, text);
    if (!load.ok) return load;
    return this.command(['paste-buffer', '-p', '-d', '-b', buffer, '-t', `${session}:`, ';', 'send-keys', '-t', `${session}:`, 'Enter']);
  }

  /** The session's first pane, or null when the session (or the server) is gone. */
  async paneState(session: string, timeoutMs = COMMAND_DEADLINE_MS): Promise<PaneState | null> {
    const result = await this.command(['list-panes', '-t', `${session}:`, '-F', '#{pane_dead} #{pane_dead_status} #{pane_dead_signal} #{pane_pid}'], timeoutMs);
    if (!result.ok) return null;
    const [dead, status, signal, pid] = (result.stdout.split('\n')[0] ?? '').split(' ');
    const signalNumber = signal ? Number(signal) : null;
    return {
      dead: dead === '1',
      exitCode: status ? Number(status) : null,
      signalNumber,
      signal: signalNumber === null ? null : signalName(signalNumber),
      pid: Number(pid),
    };
  }

  /** The pane's size in cells (what a recording of it needs), or 200x50 (the size it is made with) when tmux does not say. */
  async paneSize(session: string): Promise<{ width: number; height: number }> {
    const result = await this.command(['display-message', '-p', '-t', `${session}:`, '#{pane_width} #{pane_height}'], 1000);
    const [width, height] = result.stdout.trim().split(' ').map(Number);
    return result.ok && width && height ? { width, height } : { width: 200, height: 50 };
  }

  /**
   * The last non-blank lines of the session's pane (its dead agent's final screen), at most `maxLines` lines
   * of at most 200 characters each, without the exit message tmux adds: why the agent died, in its own words.
   */
  async screenTail(session: string, maxLines = 15, timeoutMs = COMMAND_DEADLINE_MS): Promise<string[]> {
    const result = await this.command(['capture-pane', '-p', '-J', '-t', `${session}:`, '-S', '-200'], timeoutMs);
    if (!result.ok) return [];
    return result.stdout
      .split('\n')
      .map((line) => line.trimEnd())
      .filter((line) => line !== '' && !line.startsWith('[agentgate] agent exited'))
      .slice(-maxLines)
      .map((line) => (line.length > 200 ? `${line.slice(0, 199)}…` : line));
  }

  /** A client blocked on `wait-for channel`; `done` resolves when signalled or when the server goes. */
  waitFor(channel: string): { done: Promise<void>; cancel: () => void } {
    const client = execa('tmux', ['-N', 'wait-for', channel], { env: this.env, extendEnv: false, stdin: 'ignore', reject: false });
    return { done: client.then(() => undefined), cancel: () => abandon(client) };
  }

  /**
   * Ends the server (attached clients see it go) within `deadlineMs` in all: kill-server, then SIGKILL when
   * it has not ended by the deadline (a frozen server answers no client).
   */
  async stop(deadlineMs = 2000): Promise<void> {
    if (!this.running || !this.child) return;
    const child = this.child;
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(1, deadlineMs));
    await Promise.race([this.command(['kill-server'], Math.max(1, deadlineMs)), this.exitedPromise]);
    await this.exitedPromise;
    clearTimeout(timer);
  }

  /** Runs one client command with -N and a deadline; never throws. */
  async command(args: string[], timeoutMs = COMMAND_DEADLINE_MS, input?: string): Promise<{ ok: boolean; stdout: string; stderr: string }> {
    const child = execa('tmux', ['-N', ...args], { env: this.env, extendEnv: false, ...(input === undefined ? { stdin: 'ignore' as const } : { input }), reject: false });
    const timer = setTimeout(() => abandon(child), timeoutMs);
    const result = await child;
    clearTimeout(timer);
    return { ok: result.exitCode === 0, stdout: String(result.stdout), stderr: String(result.stderr).trim() };
  }
}

/**
 * Ends a tmux client at its deadline. A client answers SIGTERM by telling its server and waiting for the
 * reply, and it hands its stdout to the server over the socket: against a frozen server neither the process
 * nor its pipes would ever end. SIGKILL, and dropping the pipes, end both.
 */
function abandon(child: ResultPromise): void {
  child.kill('SIGKILL');
  child.stdout?.destroy();
  child.stderr?.destroy();
}

const EXIT_MESSAGE =
  '[agentgate] agent exited (#{?pane_dead_signal,signal #{pane_dead_signal},status #{pane_dead_status}}); the supervisor restarts it per AGENTGATE_RESTART';

function signalName(signalNumber: number): NodeJS.Signals | null {
  const entry = Object.entries(osConstants.signals).find(([, n]) => n === signalNumber);
  return entry ? (entry[0] as NodeJS.Signals) : null;
}

const TERMINFO_DIRS = ['/usr/share/terminfo', '/lib/terminfo', '/etc/terminfo', '/usr/lib/terminfo'];

/** tmux-256color when its terminfo entry is installed, otherwise screen-256color, which every ncurses has. */
function pickTerminal(): string {
  const found = TERMINFO_DIRS.some((dir) => existsSync(`${dir}/t/tmux-256color`) || existsSync(`${dir}/74/tmux-256color`));
  return found ? 'tmux-256color' : 'screen-256color';
}

/** True when something accepts a connection on the unix socket within a second (a stale socket refuses). */
function socketAnswers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path);
    const done = (answers: boolean) => {
      socket.destroy();
      resolve(answers);
    };
    socket.setTimeout(1000, () => done(true));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
