import type { Server } from 'node:http';
import { sendSignal } from './adapters/process-tree.js';
import { TmuxServer } from './adapters/tmux.js';
import { probeWorkspace } from './adapters/workspace.js';
import { parseInvocation, USAGE } from './cli-args.js';
import { type Config, loadConfig } from './config/load-config.js';
import { secretValues } from './config/secret-names.js';
import { EXIT, SupervisorError } from './errors.js';
import { startHealthServer } from './health/health-server.js';
import { formatStatus, probeHealth } from './health/health-probe.js';
import type { HealthSnapshot } from './health/health-state.js';
import { createLogger, type Logger } from './log/logger.js';
import { AgentSupervisor } from './modes/agent-supervisor.js';
import { runCommand } from './modes/command-mode.js';
import { runStartupChecks } from './startup.js';
import { StopRequest } from './stop-request.js';
import { VERSION } from './version.js';

const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT'];
/** Agent mode passes these on to the agent's process group; the stop signals start a graceful stop instead. */
const AGENT_FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGUSR1', 'SIGUSR2'];
const HEALTH_PROBE_TIMEOUT_MS = 1800;

/** The composition root: the only place that reads process.env, installs signal handlers or exits. */
async function main(): Promise<number> {
  const env = process.env;
  const secrets = secretValues(env);
  let log = createLogger({ level: 'info', format: 'json', secrets });
  try {
    const invocation = parseInvocation(process.argv.slice(2));
    if (invocation.kind === 'version') return print(VERSION);
    if (invocation.kind === 'help') return print(USAGE);
    const config = loadConfig(env);
    if (invocation.kind === 'health' || invocation.kind === 'status') {
      const result = await probeHealth({ ...config.health, timeoutMs: HEALTH_PROBE_TIMEOUT_MS });
      print(invocation.kind === 'status' ? formatStatus(result) : invocation.json && result.report ? JSON.stringify(result.report) : result.line);
      return result.healthy ? 0 : 1;
    }
    log = createLogger({ ...config.log, secrets });
    if (process.pid === 1) log.warn('running as PID 1 without an init: orphans will not be reaped; put tini in front (the image does)');
    const mode = invocation.kind === 'command' ? 'command' : config.agent.kind === 'none' ? 'keep-alive' : 'agent';
    log.info({ mode, version: VERSION, agent: config.agent.program || null, session: config.sessionName, restart: config.restart.policy, workspace: config.workspace.path }, 'config loaded');
    const uid = process.getuid?.() ?? 0;
    const gid = process.getgid?.() ?? 0;
    const { agentEnv } = await runStartupChecks({ config, env, uid, gid, needsTmux: mode === 'agent', log });

    if (invocation.kind === 'command') {
      const code = await runCommand({ argv: invocation.argv, cwd: config.workspace.path, env: agentEnv, signals: process, log });
      log.debug({ exitCode: code }, 'command exited');
      return code;
    }
    return mode === 'agent' ? await runAgent(config, agentEnv, log) : await runKeepAlive(config, log);
  } catch (error) {
    if (error instanceof SupervisorError) {
      log.error({ exitCode: error.exitCode }, error.message);
      return error.exitCode;
    }
    log.error({ err: error, exitCode: EXIT.INTERNAL }, 'internal error');
    return EXIT.INTERNAL;
  }
}

async function runAgent(config: Config, agentEnv: Record<string, string | undefined>, log: Logger): Promise<number> {
  const tmux = new TmuxServer(agentEnv, log.child({ component: 'tmux' }));
  const supervisor = new AgentSupervisor(config, tmux, log);
  const startedAtMs = Date.now();
  const server = await serveHealth(config, () => ({
    ...supervisor.snapshot(),
    mode: 'agent',
    workspace: probeWorkspace(config.workspace.path),
    startedAtMs,
    version: VERSION,
  }));
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
    server.close();
  }
}

async function runKeepAlive(config: Config, log: Logger): Promise<number> {
  const stop = new StopRequest();
  const startedAtMs = Date.now();
  let phase: HealthSnapshot['phase'] = 'running';
  const server = await serveHealth(config, () => ({
    mode: 'keep-alive',
    phase,
    workspace: probeWorkspace(config.workspace.path),
    sessionAlive: false,
    agentPid: null,
    restarts: 0,
    lastExit: null,
    backoff: null,
    crashLoop: { looping: false, restartsInWindow: 0, threshold: config.restart.crashLoopRestarts, windowMs: config.restart.crashLoopWindowMs },
    startedAtMs,
    version: VERSION,
  }));
  const release = installStopSignals(stop, log);
  // A timer keeps the event loop alive; signals end the wait.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  log.info('keep-alive: no agent; use docker exec to work in the container');
  await stop.stopped;
  phase = 'stopped';
  clearInterval(keepAlive);
  release();
  server.close();
  log.info({ exitCode: EXIT.OK }, 'stopped');
  return EXIT.OK;
}

function serveHealth(config: Config, snapshot: () => HealthSnapshot): Promise<Server> {
  return startHealthServer({ ...config.health, snapshot, now: Date.now });
}

/** First stop signal: graceful stop. Any later one: force. Returns a function that removes the handlers. */
function installStopSignals(stop: StopRequest, log: Logger): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    const kind = stop.request();
    log.info({ signal, kind }, kind === 'graceful' ? 'stop requested' : 'stop forced');
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
  };
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return 0;
}

// A bug must still end with the documented code and one log line, not a bare stack trace and exit 1.
for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    process.stdout.write(`${JSON.stringify({ level: 'fatal', msg: 'internal error', event, err: String((error as Error)?.stack ?? error) })}\n`);
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
    process.stderr.write(`agentgate: internal error: ${String(error)}\n`);
    process.exit(EXIT.INTERNAL);
  },
);
