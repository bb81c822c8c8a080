import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { isatty } from 'node:tty';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { claudeHasCredentials, loginHint } from './adapters/claude-login.js';
import { FirstPrompt } from './adapters/first-prompt.js';
import { openMemoryCgroup } from './adapters/memory-cgroup.js';
import { testEgressIsolation } from './adapters/egress-selftest.js';
import { SshServer } from './adapters/ssh-server.js';
import { sendSignal } from './adapters/process-tree.js';
import { readHealthUrl, writeHealthUrl } from './adapters/runtime-file.js';
import { TmuxServer } from './adapters/tmux.js';
import { probeWorkspace } from './adapters/workspace.js';
import { type Invocation, parseInvocation, USAGE } from './cli-args.js';
import { type Config, loadConfig } from './config/load-config.js';
import { scrubSecrets, secretValues } from './config/secret-names.js';
import { EXIT, SharedTmpError, StartupError, SupervisorError } from './errors.js';
import { healthBaseUrl, formatStatus, probeHealth } from './health/health-probe.js';
import { startHealthServer, type HealthServer } from './health/health-server.js';
import type { Check, HealthSnapshot } from './health/health-state.js';
import { createLogger, type Logger } from './log/logger.js';
import { formatErrorForPeople, formatFatalLine } from './log/people-error.js';
import { observeAgent } from './modes/agent-observation.js';
import { AgentSupervisor } from './modes/agent-supervisor.js';
import { attachToSession } from './modes/attach.js';
import { runCommand } from './modes/command-mode.js';
import type { startProxyMode as StartProxyMode } from './modes/proxy-mode.js';
import { runStartupChecks } from './startup.js';
import { StopRequest } from './stop-request.js';
import { execCommand } from './policy/exec-hint.js';
import { sshSessionName } from './policy/ssh-lock.js';
import { VERSION } from './version.js';

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'];
/** Agent mode passes these on to the agent's process group; the stop signals start a graceful stop instead. */
const AGENT_FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGUSR1', 'SIGUSR2'];
const HEALTH_PROBE_TIMEOUT_MS = 1800;
const ATTACH_WAIT_MS = 10_000;
/** Below these memory limits the agent is likely to be OOM-killed at work (Claude Code alone holds ~300 MiB). */
const SMALL_MEMORY_BYTES = { claude: 512 * 2 ** 20, other: 128 * 2 ** 20 };

const env = process.env;
const SECRETS = secretValues(env);
const uid = process.getuid?.() ?? 0;
const gid = process.getgid?.() ?? 0;
/** Where the running supervisor writes its health URL (per container: /tmp is the container's own). */
const runtimeDir = join(env.TMUX_TMPDIR || '/tmp', 'agentgate');

/** The composition root: the only place that reads process.env, installs signal handlers or exits. */
async function main(): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseInvocation(process.argv.slice(2));
  } catch (error) {
    return reportToPeople(error);
  }
  if (invocation.kind === 'version') return print(VERSION);
  if (invocation.kind === 'help') return print(USAGE);
  if (invocation.kind === 'health' || invocation.kind === 'status' || invocation.kind === 'attach' || invocation.kind === 'ssh-session') {
    return runClient(invocation);
  }

  const commandMode = invocation.kind === 'command';
  // Command mode: stdout belongs to the command; the supervisor speaks on stderr and only when something is wrong.
  const fd = commandMode ? 2 : 1;
  const level = commandMode && !env.AGENTGATE_LOG_LEVEL ? 'warn' : 'info';
  // Above an interactive prompt (`docker run -it img bash`) a warning reads as text, not as a JSON line.
  const peopleAtTerminal = commandMode && Boolean(process.stderr.isTTY) && env.AGENTGATE_LOG_FORMAT !== 'json';
  const format = env.AGENTGATE_LOG_FORMAT === 'pretty' || peopleAtTerminal ? 'pretty' : 'json';
  let log = createLogger({ level, format, secrets: SECRETS, fd });
  // A terminal gets errors as text; `docker logs` gets JSON lines.
  const forPeople = format === 'pretty' || Boolean(process.stderr.isTTY);
  // Children (tmux, git, the agent's launcher) must not inherit the workspace as their working directory:
  // a workspace that turns unreadable would stop every spawn.
  process.chdir('/');
  let config: Config | null = null;
  try {
    config = loadConfig(env);
    log = createLogger({ level: commandMode && !env.AGENTGATE_LOG_LEVEL ? 'warn' : config.log.level, format, secrets: SECRETS, fd });
    for (const warning of config.warnings) log.warn(warning);
    if (process.pid === 1) log.warn('running as PID 1 without an init: orphans will not be reaped; put tini in front (the image does)');
    if (invocation.kind === 'proxy') return await runProxy(config, log);
    const mode = commandMode ? 'command' : config.agent.kind === 'none' ? 'keep-alive' : 'agent';
    log.info({ mode, version: VERSION, agent: config.agent.program || null, session: config.sessionName, restart: config.restart.policy, workspace: config.workspace.path }, 'config loaded');
    const { agentEnv, python } = await runStartupChecks({ config, env, uid, gid, needsTmux: mode === 'agent', log });

    if (invocation.kind === 'command') {
      const code = await runCommand({ argv: invocation.argv, cwd: config.workspace.path, env: agentEnv, signals: process, log });
      log.debug({ exitCode: code }, 'command exited');
      return code;
    }
    return mode === 'agent' ? await runAgent(config, agentEnv, python, log) : await runKeepAlive(config, log);
  } catch (error) {
    if (!(error instanceof SupervisorError)) {
      log.error({ err: error, exitCode: EXIT.INTERNAL }, 'internal error');
      return EXIT.INTERNAL;
    }
    if (forPeople) process.stderr.write(formatErrorForPeople(error.message, SECRETS));
    else log.error({ exitCode: error.exitCode }, error.message);
    const wait = !commandMode && !(error instanceof SharedTmpError) && (config ? config.onStartError === 'wait' : env.AGENTGATE_ON_START_ERROR === 'wait');
    return wait ? await holdFailedStart(error, config, log) : error.exitCode;
  }
}

/** `health`, `status` and `attach`: clients of a running supervisor, speaking to people (or probes). */
async function runClient(invocation: Extract<Invocation, { kind: 'health' | 'status' | 'attach' | 'ssh-session' }>): Promise<number> {
  // A client must work in a container whose configuration is bad: that supervisor waits, unhealthy, and
  // `status` is how people learn why. So a bad configuration here falls back to the defaults.
  let settings: { health: { host: string; port: number }; sessionName: string };
  try {
    settings = loadConfig(env);
  } catch {
    const session = /^[A-Za-z0-9_-]{1,64}$/.test(env.AGENTGATE_SESSION ?? '') ? (env.AGENTGATE_SESSION as string) : 'agent';
    settings = { ...fallbackHealthConfig(), sessionName: session };
  }
  // The running supervisor's own word on where it listens (it may have moved off a busy port).
  const baseUrl = readHealthUrl(runtimeDir) ?? healthBaseUrl(settings.health.host, settings.health.port);
  if (invocation.kind === 'ssh-session') {
    // Every SSH login lands here: the agent's session, or nothing.
    const say = (text: string) => process.stderr.write(formatErrorForPeople(text, SECRETS));
    if (env.SSH_ORIGINAL_COMMAND) {
      say('this server only opens the agent\'s session; commands are refused (log in without one: ssh -t ...)');
      return 1;
    }
    if (!isatty(0)) {
      say('the agent\'s session needs a terminal: log in with ssh -t (and without -T)');
      return 1;
    }
  }
  if (invocation.kind === 'attach' || invocation.kind === 'ssh-session') {
    return attachToSession({
      // SSH logins get the locked session: their keys reach the agent and nothing else (see ssh-lock.ts).
      session: invocation.kind === 'ssh-session' ? sshSessionName(settings.sessionName) : settings.sessionName,
      terminal: isatty(0) && isatty(1),
      utf8: invocation.kind === 'ssh-session',
      readOnly: invocation.readOnly,
      env,
      uid,
      healthUrl: baseUrl,
      waitMs: ATTACH_WAIT_MS,
      container: hostname(),
      say: (text) => process.stderr.write(formatErrorForPeople(text, SECRETS)),
    });
  }
  const live = invocation.kind === 'health' && invocation.live;
  const result = await probeHealth({ baseUrl, timeoutMs: HEALTH_PROBE_TIMEOUT_MS, live });
  const text = invocation.kind === 'status' ? formatStatus(result, Date.now()) : invocation.json && result.report ? JSON.stringify(result.report) : result.line;
  print(text);
  return result.healthy ? 0 : 1;
}

async function runAgent(config: Config, agentEnv: Record<string, string | undefined>, python: string | null, log: Logger): Promise<number> {
  const tmux = new TmuxServer(agentEnv, log.child({ component: 'tmux' }), config.ssh ? sshSessionName(config.sessionName) : null);
  const memory = openMemoryCgroup();
  const limitBytes = memory.limitBytes();
  const smallBytes = config.agent.program === 'claude' ? SMALL_MEMORY_BYTES.claude : SMALL_MEMORY_BYTES.other;
  if (limitBytes !== null && limitBytes < smallBytes) {
    log.warn({ limitMiB: Math.round(limitBytes / 2 ** 20), recommendedMiB: Math.round(smallBytes / 2 ** 20) * 2 }, 'memory limit small for the agent: expect OOM kills; raise it (compose: AGENTGATE_MEMORY)');
  }
  let announced = false;
  const attachCommand = execCommand(env, hostname(), 'agentgate attach');
  const sshServer: { current: SshServer | null } = { current: null };
  const scrub = (text: string) => scrubSecrets(text, SECRETS);
  const observation = await observeAgent(config, log, scrub, runtimeDir, () => tmux.paneSize(config.sessionName));
  const supervisor = new AgentSupervisor(config, tmux, log, {
    probeWorkspace: () => probeWorkspace(config.workspace.path),
    python,
    memory,
    firstPrompt: await readFirstPrompt(config),
    scrub,
    resume: observation.resume,
    pipeCommand: observation.paneOutput?.pipeCommand() ?? null,
    paneSizeOnStart: observation.recorder !== null,
    onEvent: (name, fields) => {
      observation.observer.lifecycle(name, fields);
      if (name === 'agent started') {
        const file = observation.recordRun(Number(fields.restarts) + 1, { width: Number(fields.width), height: Number(fields.height) });
        if (file) log.info({ file }, 'recording started');
      }
      if (name === 'agent exited') observation.recorder?.endRun();
      if (name === 'agent exited' && config.ssh?.onAgentExit === 'end') sshServer.current?.endSessions();
    },
    onAgentStarted: () => {
      if (announced) return;
      announced = true;
      // The next step for whoever started the container: how to get into the session.
      log.info({ attach: attachCommand, detach: 'Ctrl-b d' }, 'ready');
    },
  });
  const startedAtMs = Date.now();
  const isClaude = config.agent.program === 'claude';
  const needsLogin = () => (isClaude ? !claudeHasCredentials(agentEnv, config.state.stateDir) : null);
  if (needsLogin()) log.warn({ how: loginHint(attachCommand) }, 'needs login');
  // Before the health server writes its URL into /tmp: a /tmp shared with another supervisor is refused first.
  await tmux.refuseSharedSocket();
  const egress: { check: Check | null } = { check: config.egressSelfTest.mode === 'off' ? null : { ok: false, reason: 'egress self-test running' } };
  const health = await serveHealth(
    config,
    log,
    () => ({
      ...supervisor.snapshot(),
      egress: egress.check,
      needsLogin: needsLogin(),
      agentState: observation.observer.snapshot(),
      mode: 'agent',
      workspace: probeWorkspace(config.workspace.path),
      startedAtMs,
      version: VERSION,
    }),
    { hooks: observation.hookRoute, events: { stream: observation.events, current: () => observation.observer.snapshot() } },
  );
  // The agent's hooks report to this server: tmux, which starts in run(), hands these to the agent.
  Object.assign(agentEnv, observation.hookEnv(health.url));
  await checkEgress(config, agentEnv, log, egress);
  const ssh = config.ssh ? await startSsh(config, config.ssh, agentEnv, log) : null;
  sshServer.current = ssh;
  // SSH ends with the stop's start: the tmux server, and with it every attached client, goes within the budget anyway.
  void supervisor.stop.stopped.then(() => ssh?.stop(500));
  const release = installStopSignals(supervisor.stop, log);
  const forward = (signal: NodeJS.Signals) => {
    const pid = supervisor.snapshot().agentPid;
    // The agent may be between runs, or gone a moment ago: forwarding must never throw in a signal handler.
    const delivered = pid !== null && sendSignal(-pid, signal);
    log.info({ signal, pid, delivered }, 'signal forwarded');
  };
  for (const signal of AGENT_FORWARDED_SIGNALS) process.on(signal, forward);
  try {
    const exitCode = await supervisor.run();
    log.info({ exitCode }, 'stopped');
    return exitCode;
  } finally {
    release();
    observation.close();
    health.server.close();
  }
}

async function runKeepAlive(config: Config, log: Logger): Promise<number> {
  const stop = new StopRequest();
  const startedAtMs = Date.now();
  let phase: HealthSnapshot['phase'] = 'running';
  const health = await serveHealth(config, log, () => ({
    ...idleSnapshot(config, phase, startedAtMs),
    mode: 'keep-alive',
  }));
  const release = installStopSignals(stop, log);
  // A timer keeps the event loop alive; signals end the wait.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  log.info('keep-alive: no agent; use docker exec to work in the container');
  await stop.stopped;
  phase = 'stopped';
  clearInterval(keepAlive);
  release();
  health.server.close();
  log.info({ exitCode: EXIT.OK }, 'stopped');
  return EXIT.OK;
}

/** `agentgate proxy`: the egress proxy until a stop; SIGHUP re-reads the allowlist. */
async function runProxy(config: Config, log: Logger): Promise<number> {
  // The proxy's code is its own bundle beside this one (dist/egress-proxy.cjs, /opt/agentgate in the image).
  const bundle = join(dirname(process.argv[1] ?? __filename), 'egress-proxy.cjs');
  const { startProxyMode } = createRequire(bundle)(bundle) as { startProxyMode: typeof StartProxyMode };
  const proxy = await startProxyMode(config, log);
  const stop = new StopRequest();
  // SIGHUP reloads here (the convention of daemons like nginx), so it is not a stop signal.
  const release = installStopSignals(stop, log, STOP_SIGNALS.filter((s) => s !== 'SIGHUP'));
  const onHangup = () => proxy.reload('SIGHUP');
  process.on('SIGHUP', onHangup);
  await stop.stopped;
  process.off('SIGHUP', onHangup);
  release();
  await proxy.close();
  log.info({ exitCode: EXIT.OK }, 'stopped');
  return EXIT.OK;
}

/**
 * AGENTGATE_ON_START_ERROR=wait (compose sets it): a configuration the user must fix is not retried by the
 * engine's restart policy over and over; the supervisor stays up, unhealthy, with the reason in its health
 * and its log, until it is stopped, then exits with the start's own code.
 */
async function holdFailedStart(error: SupervisorError, config: Config | null, log: Logger): Promise<number> {
  const stop = new StopRequest();
  const startedAtMs = Date.now();
  const healthConfig = config ?? fallbackHealthConfig();
  const snapshot = (): HealthSnapshot => ({
    ...idleSnapshot(config, 'failed', startedAtMs),
    mode: config?.agent.kind === 'none' ? 'keep-alive' : 'agent',
    startError: error.message.split('\n').join(' '),
  });
  let server: HealthServer | null = null;
  try {
    server = await startHealthServer({ ...healthConfig.health, snapshot, now: Date.now });
    writeHealthUrl(runtimeDir, server.url);
  } catch {
    // the health port itself may be what failed: the log already says so
  }
  const release = installStopSignals(stop, log);
  const keepAlive = setInterval(() => undefined, 1 << 30);
  log.warn({ exitCode: error.exitCode }, 'start failed; waiting for a stop (AGENTGATE_ON_START_ERROR=wait): fix the problem above, then recreate the container');
  await stop.stopped;
  clearInterval(keepAlive);
  release();
  server?.server.close();
  return error.exitCode;
}

function idleSnapshot(config: Config | null, phase: HealthSnapshot['phase'], startedAtMs: number): Omit<HealthSnapshot, 'mode'> {
  return {
    phase,
    workspace: probeWorkspace(config?.workspace.path ?? env.AGENTGATE_WORKSPACE ?? '/workspace'),
    sessionAlive: false,
    agentPid: null,
    restarts: 0,
    lastExit: null,
    backoff: null,
    crashLoop: { looping: false, restartsInWindow: 0, threshold: config?.restart.crashLoopRestarts ?? 0, windowMs: config?.restart.crashLoopWindowMs ?? 0 },
    startedAtMs,
    version: VERSION,
  };
}

/**
 * AGENTGATE_EGRESS_SELFTEST: does the isolation really hold? In the background (`on`: health says so while it
 * runs and after), or before the agent starts (`strict`: a failure is a failed start).
 */
async function checkEgress(config: Config, agentEnv: Record<string, string | undefined>, log: Logger, egress: { check: Check | null }): Promise<void> {
  if (config.egressSelfTest.mode === 'off') return;
  const run = testEgressIsolation({
    probe: config.egressSelfTest.probe,
    proxyUrl: agentEnv.HTTPS_PROXY ?? agentEnv.https_proxy ?? null,
    randomName: `selftest-${process.pid}-${Date.now()}.agentgate.invalid`,
  }).then((result) => {
    egress.check = result;
    if (result.ok) log.info({ reason: result.reason }, 'egress isolated');
    else log.error({ reason: result.reason }, 'egress NOT isolated');
    return result;
  });
  if (config.egressSelfTest.mode === 'strict') {
    const result = await run;
    if (!result.ok) throw new StartupError(`egress self-test failed (AGENTGATE_EGRESS_SELFTEST=strict): ${result.reason}`);
  }
}

/** SSH straight into the agent's session (AGENTGATE_SSH_PORT): the server, and the command each login runs. */
async function startSsh(config: Config, ssh: NonNullable<Config['ssh']>, agentEnv: Record<string, string | undefined>, log: Logger): Promise<SshServer> {
  // sshd gives its sessions a minimal environment: the forced command carries what attach needs.
  const sessionCommand = [`AGENTGATE_SESSION=${config.sessionName}`, env.TMUX_TMPDIR ? `TMUX_TMPDIR='${env.TMUX_TMPDIR}'` : '', 'agentgate ssh-session'].filter(Boolean).join(' ');
  const server = new SshServer({
    host: ssh.host,
    port: ssh.port,
    stateDir: config.state.stateDir,
    runtimeDir,
    authorizedKeysFile: ssh.authorizedKeysFile,
    readOnlyKeysFile: ssh.readOnlyKeysFile,
    sessionCommand,
    env: agentEnv,
    log: log.child({ component: 'ssh' }),
  });
  await server.start();
  return server;
}

/** The first prompt, read from its file at start; a file that cannot be read is a startup error. */
async function readFirstPrompt(config: Config): Promise<FirstPrompt | null> {
  if (!config.prompt) return null;
  if ('text' in config.prompt) return FirstPrompt.create(config.prompt.text, config.state.stateDir);
  let text: string;
  try {
    text = readFileSync(config.prompt.file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new StartupError(`prompt file ${config.prompt.file} (AGENTGATE_PROMPT_FILE) cannot be read (${code}): mount it there, readable by uid ${uid}, or unset the variable`);
  }
  return FirstPrompt.create(text, config.state.stateDir);
}

/** Health for a configuration that did not load: the documented defaults, or the port given when it is plain digits. */
function fallbackHealthConfig(): { health: { host: string; port: number } } {
  const port = /^[0-9]{1,5}$/.test(env.AGENTGATE_HEALTH_PORT ?? '') ? Number(env.AGENTGATE_HEALTH_PORT) : 7433;
  return { health: { host: '127.0.0.1', port: port >= 1 && port <= 65_535 ? port : 7433 } };
}

async function serveHealth(
  config: Config,
  log: Logger,
  snapshot: () => HealthSnapshot,
  routes: Pick<Parameters<typeof startHealthServer>[0], 'hooks' | 'events'> = {},
): Promise<HealthServer> {
  const health = await startHealthServer({ ...config.health, ...routes, snapshot, now: Date.now });
  if (health.busyPort !== null) log.warn({ port: health.busyPort, url: health.url }, 'health port busy; serving health on a free port instead');
  const failed = writeHealthUrl(runtimeDir, health.url);
  if (failed) log.warn({ dir: runtimeDir, code: failed }, 'health url not written: the HEALTHCHECK falls back to AGENTGATE_HEALTH_PORT');
  return health;
}

/** First stop signal: graceful stop. Any later one: force. Returns a function that removes the handlers. */
function installStopSignals(stop: StopRequest, log: Logger, signals: readonly NodeJS.Signals[] = STOP_SIGNALS): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    const kind = stop.request();
    log.info({ signal, kind }, kind === 'graceful' ? 'stop requested' : 'stop forced');
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}

/** An error of the supervisor's own arguments or configuration, for someone at a terminal. */
function reportToPeople(error: unknown): number {
  if (!(error instanceof SupervisorError)) throw error;
  process.stderr.write(formatErrorForPeople(error.message, SECRETS));
  return error.exitCode;
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

// A bug must still end with the documented code and one scrubbed log line, not a bare stack trace and exit 1.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    process.stderr.write(formatFatalLine(event, error, SECRETS));
    process.exit(EXIT.INTERNAL);
  });
}

main().then(
  (code) => {
    process.exitCode = code;
    // Children (tmux clients, timers) must not keep a stopped supervisor alive.
    setImmediate(() => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(formatFatalLine('main', error, SECRETS));
    process.exit(EXIT.INTERNAL);
  },
);
