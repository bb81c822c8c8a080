import { AgentEvents } from '../agent/events.js';
import { forComponent } from '../log/component.js';
import { AGENT_FORWARDED_SIGNALS } from '../agent/forwarded-signals.js';
import { openHookChannel } from '../agent/hook-channel.js';
import { AgentSupervisor } from '../agent/run-loop.js';
import { profileFor } from '../agents/registry.js';
import type { Config } from '../config/load-config.js';
import { scrubSecrets } from '../config/secret-names.js';
import type { HealthSnapshot } from '../contract/health-report.js';
import type { AgentFeature, FeatureContext } from '../features/feature.js';
import { AGENT_FEATURES } from '../features/index.js';
import { EventStream } from '../features/observation/event-stream.js';
import { WebhookNotifier } from '../features/observation/webhook.js';
import { healthBaseUrl } from '../health/health-probe.js';
import type { HealthServer } from '../health/health-server.js';
import { serveHealth } from '../health/serve-health.js';
import type { Logger } from '../log/logger.js';
import type { Runtime } from '../runtime/context.js';
import { execCommand } from '../runtime/exec-hint.js';
import { openMemoryCgroup } from '../runtime/memory-cgroup.js';
import { sendSignal } from '../runtime/process-tree.js';
import { installStopSignals } from '../runtime/stop-signals.js';
import { StopRequest } from '../runtime/stop-request.js';
import { probeWorkspace } from '../startup/workspace.js';
import { PaneOutput } from '../tmux/pane-output.js';
import { sshSessionName } from '../tmux/ssh-lock.js';
import { PaneTyping } from '../tmux/pane-typing.js';
import { TmuxServer } from '../tmux/tmux-server.js';
import { VERSION } from '../version.js';

/**
 * Agent mode: the agent kept alive in tmux by the run loop, its profile and every feature attached to its
 * events, health served, until a stop. The order matters once: the health server's URL goes into the agent's
 * environment (its hooks report there), so tmux starts with the URL that server is about to have.
 */
export async function runAgent(runtime: Runtime, config: Config, started: { agentEnv: Record<string, string | undefined>; python: string | null; gitConfigured: Promise<void> }, log: Logger): Promise<number> {
  const scrub = (text: string) => scrubSecrets(text, runtime.secrets);
  const events = new AgentEvents((error, type) => log.error({ err: error, event: type }, 'event listener failed'));
  const profile = profileFor(config, scrub);
  const tmux = new TmuxServer(runtime.tmuxTmpDir, forComponent(log, 'tmux'), config.ssh ? sshSessionName(config.sessionName) : null);
  const memory = openMemoryCgroup();
  warnOnSmallMemory(memory.limitBytes(), profile.memoryFloorBytes, log);
  const attachCommand = execCommand(runtime.env, runtime.hostname, 'agentgate attach');
  const baseEnv = { ...started.agentEnv, ...profile.agentEnv(config, started.agentEnv) };
  const needsLogin = () => profile.needsLogin(baseEnv);
  if (needsLogin()) log.warn({ hint: profile.loginHint(attachCommand) }, 'needs login');

  const unattachProfile = profile.attach(events, log);
  const stop = new StopRequest();
  // Counted in the log: a watcher that stopped reading loses its stream instead of growing the supervisor.
  const eventStream = new EventStream(scrub, (fields) => log.warn(fields, 'events client cut off'));
  const context: FeatureContext = {
    config,
    runtime,
    log,
    scrub,
    events,
    eventStream,
    webhook: config.notify ? new WebhookNotifier(config.notify, scrub, forComponent(log, 'webhook')) : null,
    profile,
    tmux,
    // Called only once the health server serves, after `snapshot` below is made.
    health: () => snapshot(),
    typeIntoSession: async (text) => {
      const keys = new PaneTyping(tmux, config.sessionName);
      const ok = (await keys.paste(text)) && (await keys.enter());
      return { ok, stderr: ok ? '' : 'tmux did not take the text (no session, or a dead pane)' };
    },
    screenTail: () => tmux.screenTail(config.sessionName),
    paneSize: () => tmux.paneSize(config.sessionName),
    stopping: stop.stopped,
  };
  // The FIFO the pane's output goes into (one mkfifo process) is made while the features attach and the health
  // server starts; only the agent's launch needs it.
  const paneOutputOpening = PaneOutput.open(runtime.runtimeDir, (chunk) => events.emit({ type: 'output', chunk, atMs: Date.now() })).then((opened) => {
    if (typeof opened === 'string') log.warn({ reason: opened, detail: 'its state comes from hooks alone' }, 'agent screen not watched');
    return opened;
  });
  const features: AgentFeature[] = [];
  for (const attach of AGENT_FEATURES) {
    const feature = await attach(context);
    if (feature) features.push(feature);
  }
  const hooks = openHookChannel(events, profile.acceptsHook?.bind(profile));

  const supervisor = new AgentSupervisor(config, tmux, log, {
    stop,
    events,
    profile,
    probeWorkspace: () => probeWorkspace(config.workspace.path),
    python: started.python,
    memory,
    // The secrets, then what features know to be private (the first prompt) out of the agent's screen lines.
    scrub: (text) => features.reduce((t, f) => f.scrub?.(t) ?? t, scrub(text)),
    pipeCommand: paneOutputOpening.then((opened) => (typeof opened === 'string' ? null : opened.pipeCommand())),
    paneSizeOnStart: features.some((f) => f.needsPaneSize),
  });
  // Before the health server writes its URL into /tmp: a /tmp shared with another supervisor is refused first.
  await tmux.refuseSharedSocket();
  const startedAtMs = Date.now();
  const snapshot = (): HealthSnapshot => ({
    ...supervisor.snapshot(),
    ...Object.assign({}, ...features.map((f) => f.report?.() ?? {})),
    needsLogin: needsLogin(),
    loginHint: profile.loginSummary,
    mode: 'agent',
    workspace: probeWorkspace(config.workspace.path),
    startedAtMs,
    version: VERSION,
  });
  const served = features.find((f) => f.eventStream)?.eventStream;
  const routes = features.flatMap((f) => f.routes ?? []);
  // The next step for whoever started the container, once: how to get into the session.
  const unsubscribeReady = events.subscribe((event) => {
    if (event.type !== 'started') return;
    unsubscribeReady();
    log.info({ attach: attachCommand, detach: 'Ctrl-b d' }, 'ready');
  });
  // Before tmux starts: a stop that comes while it does ends it too (the run loop then starts no agent).
  const releaseStop = installStopSignals(runtime, stop, log);
  const forward = (signal: NodeJS.Signals) => {
    const pid = supervisor.snapshot().agentPid;
    // The agent may be between runs, or gone a moment ago: forwarding must never throw in a signal handler.
    const delivered = pid !== null && sendSignal(-pid, signal);
    log.info({ signal, pid, delivered }, 'signal forwarded');
  };
  for (const signal of AGENT_FORWARDED_SIGNALS) runtime.signals.on(signal, forward);
  // tmux's server starts while the health server does (about 10 ms each): its environment, which every pane
  // inherits, carries the health URL that server is about to have. A busy port moves the health server to another
  // one; tmux is then started again with the URL it got, before any agent runs in it.
  const expectedUrl = healthBaseUrl(config.health.host, config.health.port);
  let tmuxStarting = tmux.start({ ...baseEnv, ...hooks.agentEnv(expectedUrl) });
  tmuxStarting.catch(() => undefined); // awaited by the run loop, or in `finally` when the start fails before it
  let health: HealthServer | null = null;
  try {
    health = await serveHealth(runtime, config.health, log, snapshot, { hooks: hooks.route, events: served, routes });
    const agentEnv = { ...baseEnv, ...hooks.agentEnv(health.url) };
    if (health.url !== expectedUrl) {
      tmuxStarting = tmuxStarting.catch(() => undefined).then(async () => {
        await tmux.stop();
        await tmux.start(agentEnv);
      });
      tmuxStarting.catch(() => undefined);
    }
    // Git's settings were written while the servers started; the agent never runs without them.
    await started.gitConfigured;
    for (const feature of features) await feature.start?.(agentEnv);
    const exitCode = await supervisor.run(agentEnv, tmuxStarting);
    log.info({ exitCode }, 'stopped');
    return exitCode;
  } finally {
    releaseStop();
    for (const signal of AGENT_FORWARDED_SIGNALS) runtime.signals.off(signal, forward);
    for (const feature of features) feature.close?.();
    unattachProfile();
    const paneOutput = await paneOutputOpening;
    if (typeof paneOutput !== 'string') paneOutput.close();
    eventStream.close();
    (health as HealthServer | null)?.server.close();
    // Started before the health server and the features: a start that failed before the agent ran left it running.
    await tmuxStarting.catch(() => undefined);
    await tmux.stop();
  }
}

/** Below the agent's floor it is likely to be OOM-killed at work: say so at start. */
function warnOnSmallMemory(limitBytes: number | null, floorBytes: number, log: Logger): void {
  if (limitBytes === null || limitBytes >= floorBytes) return;
  const recommendedMiB = Math.round(floorBytes / 2 ** 20) * 2;
  const hint = `raise the container's memory limit to ${recommendedMiB} MiB or more (agentgate up --memory ${recommendedMiB}m; docker run --memory ${recommendedMiB}m; compose: AGENTGATE_MEMORY=${recommendedMiB}m)`;
  log.warn({ limitMiB: Math.round(limitBytes / 2 ** 20), recommendedMiB, detail: 'expect OOM kills', hint }, 'memory limit small');
}
