import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { type AgentSpec, containerOptions } from '../agent-spec.js';
import { numberOption, parseCommandArgs } from '../args.js';
import { type HostContext, say } from '../context.js';
import { listAgents } from '../engine/agents.js';
import { EGRESS, agentEgressHosts, egressAgentSettings, ensureEgress } from '../engine/egress.js';
import { holdsGitToken, moveCredentialsToProxy } from '../engine/egress-credentials.js';
import { ensureImage } from '../engine/image.js';
import { prepareStateVolume } from '../engine/state-volume.js';
import { waitUntilHealthy } from '../engine/wait-healthy.js';
import { agentEnvironment } from '../env-options.js';
import { CLI_EXIT, CliError, UsageError } from '../errors.js';
import { HARDENING, parseMemory } from '../hardening.js';
import { checkName, containerName, nameFromDirectory, sampleVolumeName, stateVolumeName } from '../names.js';
import { agentgateHome, checkDirectory, cloneRepository, hostGitIdentity, isGitUrl, makeWorktrees } from '../workspace-source.js';

export const UP_USAGE = `agentgate up [DIR | GIT-URL] [options]   run an agent on DIR (default: here), or on a clone of GIT-URL
  --name NAME        the agent's name (default: the directory's name)
  --worktrees N      N git worktrees of DIR, each with its own agent (branches agentgate/NAME-1..N)
  --sample           the image's sample workspace in a volume instead of a directory
  --agent CMD        AGENTGATE_AGENT: claude (default), none, or a command line
  --prompt TEXT      AGENTGATE_PROMPT: the first prompt, given once
  --env NAME=VALUE   any documented variable (repeatable)
  --memory SIZE      memory limit (default ${HARDENING.memory})     --cpus N   CPU limit (default: up to ${HARDENING.maxCpus})
  --ssh-keys         the host's ~/.ssh, read-only, for git over SSH
  --ssh PORT         SSH into the session on 127.0.0.1:PORT (--ssh-key FILE: the public keys, default ~/.ssh/id_ed25519.pub)
  --record           record the agent's terminal (AGENTGATE_RECORD)
  --gpu              every GPU of the host (NVIDIA container toolkit)
  --egress           behind the allowlist proxy: only the agent's API and login hosts (--allow HOST,... more)
  --ask              with --egress: a request to another public host waits for your answer (agentgate approve NAME)
  --network NAME     a network to join (default: the engine's default)
  --image IMAGE      the agent image (default agentgate/agent:latest; built when missing)
  --timeout SECONDS  how long to wait until healthy (default 180)`;

const OPTIONS = {
  name: { type: 'string' },
  worktrees: { type: 'string' },
  sample: { type: 'boolean' },
  agent: { type: 'string' },
  prompt: { type: 'string' },
  env: { type: 'string', multiple: true, short: 'e' },
  memory: { type: 'string' },
  cpus: { type: 'string' },
  'ssh-keys': { type: 'boolean' },
  ssh: { type: 'string' },
  'ssh-key': { type: 'string' },
  record: { type: 'boolean' },
  gpu: { type: 'boolean' },
  egress: { type: 'boolean' },
  ask: { type: 'boolean' },
  allow: { type: 'string', multiple: true },
  network: { type: 'string' },
  image: { type: 'string' },
  timeout: { type: 'string' },
} as const;

/** `agentgate up`: one agent per directory (or per worktree), created or reused, waited for until healthy. */
export async function up(context: HostContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('up', args, OPTIONS);
  if (positionals.length > 1) throw new UsageError(`up takes one DIR or GIT-URL, got ${positionals.length}: ${positionals.join(' ')}`);
  const progress = (line: string) => say(context, line);
  const home = agentgateHome(context.env, context.home);
  const target = positionals[0] ?? '.';
  const memory = values.memory === undefined ? parseMemory(HARDENING.memory) : parseMemory(values.memory);
  if (memory === null || memory < 64 * 2 ** 20) throw new UsageError(`up --memory ${JSON.stringify(values.memory)}: expected a size such as 2g or 512m (at least 64m)`);
  const cpus = numberOption('up', 'cpus', values.cpus, Math.min(HARDENING.maxCpus, availableParallelism()), [0.1, 1024]);
  const timeoutMs = numberOption('up', 'timeout', values.timeout, 180, [1, 3600]) * 1000;
  const sshPort = values.ssh === undefined ? null : numberOption('up', 'ssh', values.ssh, 0, [1, 65_535]);
  const git = await hostGitIdentity();
  const env = agentEnvironment(values.env ?? [], context.env, {
    AGENTGATE_AGENT: values.agent,
    AGENTGATE_PROMPT: values.prompt,
    AGENTGATE_RECORD: values.record ? 'true' : undefined,
    AGENTGATE_GIT_NAME: git.name,
    AGENTGATE_GIT_EMAIL: git.email,
  });
  if (values.allow && !values.egress) throw new UsageError('up --allow needs --egress (the list is the egress proxy\'s)');
  if (values.ask && !values.egress) throw new UsageError('up --ask needs --egress (the egress proxy asks)');
  if (values.egress && values.network) throw new UsageError('up --egress and --network: the agent behind the proxy joins the proxy\'s network only; give one of them');
  const docker = await context.engine();
  const image = values.image ?? 'agentgate/agent:latest';

  let targets: Array<{ name: string; workspace: AgentSpec['workspace']; uid: number; gid: number }>;
  if (values.sample) {
    const name = checkName(values.name ?? 'sample');
    targets = [{ name, workspace: { kind: 'volume', volume: sampleVolumeName(name) }, uid: 1000, gid: 1000 }];
  } else {
    const dir = isGitUrl(target) ? await cloneRepository(target, join(home, 'repos'), progress) : target;
    const checked = checkDirectory(dir, context.cwd);
    const name = checkName(values.name ?? nameFromDirectory(checked.path));
    const dirs = values.worktrees === undefined ? [{ name, path: checked.path }] : await makeWorktrees(checked.path, name, Number(values.worktrees), join(home, 'worktrees'), progress);
    targets = dirs.map((d) => ({ name: d.name, workspace: { kind: 'bind', path: d.path }, ...ownerOf(d.path, context) }));
  }
  if ((await ensureImage(docker, { image, repoRoot: context.repoRoot, env: context.env, progress })) === 'built') progress(`built ${image}`);
  const allow = (values.allow ?? []).flatMap((a) => a.split(',')).map((h) => h.trim()).filter(Boolean);

  if (values.name === undefined && values.worktrees === undefined && targets[0]) {
    // One agent per directory: without --name, the agent already on this workspace is the one meant.
    const label = targets[0].workspace.kind === 'bind' ? targets[0].workspace.path : `volume ${targets[0].workspace.volume}`;
    const same = (await listAgents(docker)).find((a) => a.kind === 'agentgate' && a.workspace === label);
    if (same) targets[0].name = same.name;
  }
  // Behind the proxy, the proxy holds the API key and token; the agent gets placeholders.
  const moved = values.egress ? moveCredentialsToProxy(env) : { agentEnv: env, held: {} };
  let agentEnv = moved.agentEnv;
  if (values.egress) {
    const upstream = context.env.AGENTGATE_CREDENTIAL_UPSTREAM || null;
    if (upstream !== null && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(upstream)) throw new UsageError(`AGENTGATE_CREDENTIAL_UPSTREAM ${JSON.stringify(upstream)}: expected an http:// or https:// URL`);
    const credentials = { held: moved.held, upstream };
    // The proxy's default list is Claude's: another agent's own API and login hosts are added, as --allow adds.
    const proxy = await ensureEgress(docker, { image, allow: [...agentEgressHosts(env), ...allow], credentials, ask: Boolean(values.ask), agents: targets.map((t) => t.name), progress });
    // A proxy holding a git token serves git for its host: the supervisor routes the agent's git there.
    if (holdsGitToken(proxy.credentials)) agentEnv = [...agentEnv, `AGENTGATE_GIT_CREDENTIAL_URL=http://${EGRESS.alias}:${EGRESS.gitPort}`];
    // A proxy that asks tells each agent's supervisor its own asks (shown in status, /events, the webhook).
    if (proxy.asks) agentEnv = [...agentEnv, `AGENTGATE_EGRESS_ASK_FEED_URL=http://${EGRESS.alias}:${EGRESS.askFeedPort}`];
  }
  let failures = 0;
  for (const t of targets) {
    const spec: AgentSpec = {
      ...t,
      image,
      env: agentEnv,
      memoryBytes: memory,
      cpus,
      network: values.network ?? null,
      sshKeysDir: values['ssh-keys'] ? join(context.home, '.ssh') : null,
      ssh: sshPort === null ? null : { port: sshPort, authorizedKeys: values['ssh-key'] ?? defaultPublicKey(context.home) },
      gpu: Boolean(values.gpu),
      agentLabel: values.agent ?? 'claude',
      egress: values.egress ? egressAgentSettings() : null,
      answerToken: randomBytes(32).toString('hex'),
    };
    const code = await upOne(context, docker, spec, timeoutMs);
    if (code === CLI_EXIT.INTERRUPTED) return code;
    if (code !== CLI_EXIT.OK) failures += 1;
  }
  return failures === 0 ? CLI_EXIT.OK : CLI_EXIT.FAILED;
}

/** The directory's owner runs the agent: its files stay theirs, and no uid must be 1000. */
function ownerOf(path: string, context: HostContext): { uid: number; gid: number } {
  const { uid, gid } = checkDirectory(path, context.cwd);
  return { uid, gid };
}

function defaultPublicKey(home: string): string {
  return join(home, '.ssh', 'id_ed25519.pub');
}

async function upOne(context: HostContext, docker: Docker, spec: AgentSpec, timeoutMs: number): Promise<number> {
  const workspaceText = spec.workspace.kind === 'bind' ? spec.workspace.path : `volume ${spec.workspace.volume}`;
  const existing = (await listAgents(docker)).filter((a) => a.name === spec.name || a.container === containerName(spec.name));
  const workspaceLabel = spec.workspace.kind === 'bind' ? spec.workspace.path : `volume ${spec.workspace.volume}`;
  for (const agent of existing) {
    if (agent.workspace !== null && agent.workspace !== workspaceLabel) {
      throw new CliError(
        `the name ${spec.name} is taken: agent ${agent.name} works on ${agent.workspace}, not on ${workspaceText}`,
        1,
        `give this one another --name, or remove the other first (agentgate rm ${agent.name}; its state volume stays unless --volumes)`,
      );
    }
  }
  const current = existing[0];
  if (current?.running) {
    const waited = await waitUntilHealthy(docker, current.id, Math.min(timeoutMs, 5000), () => false);
    if (waited.outcome === 'healthy') {
      say(context, `${spec.name} is already up on ${workspaceText}`);
      return ready(context, spec, waited.report.needsLogin === true, waited.report.loginHint ?? null);
    }
  }
  // Not running, or its start failed (the fix made on disk since): a new container, the same state volume.
  if (current) {
    say(context, `${spec.name}: replacing its ${current.running ? 'failed' : 'stopped'} container (the state volume is kept)`);
    await docker.getContainer(current.id).remove({ force: true });
  }
  await prepareStateVolume(docker, { volume: stateVolumeName(spec.name), image: spec.image, uid: spec.uid, gid: spec.gid, agentName: spec.name });
  const created = await docker.createContainer(containerOptions(spec)).catch((error: Error) => {
    throw new CliError(`creating ${containerName(spec.name)} failed: ${error.message}`, 1, hintForCreate(error.message));
  });
  let interrupted = false;
  const onInterrupt = () => (interrupted = true);
  context.signals.on('SIGINT', onInterrupt);
  try {
    await created.start();
    say(context, `${spec.name}: starting on ${workspaceText} as uid ${spec.uid}; waiting until healthy`);
    const waited = await waitUntilHealthy(docker, created.id, timeoutMs, () => interrupted);
    if (interrupted) {
      await created.remove({ force: true }).catch(() => undefined);
      say(context, `interrupted: the half-made agent ${spec.name} was removed (its state volume ${stateVolumeName(spec.name)} is kept)`);
      return CLI_EXIT.INTERRUPTED;
    }
    if (waited.outcome === 'healthy') return ready(context, spec, waited.report.needsLogin === true, waited.report.loginHint ?? null);
    if (waited.outcome === 'failed-start') {
      say(context, `${spec.name} did not start: ${waited.report.checks.start.reason}`);
      say(context, `fix that, then run agentgate up again (the agent waits, unhealthy, until then)`);
      return CLI_EXIT.FAILED;
    }
    if (waited.outcome === 'exited') {
      say(context, `${spec.name} exited (code ${waited.exitCode}) before it became healthy; its last lines: agentgate logs ${spec.name}`);
      return CLI_EXIT.FAILED;
    }
    say(context, `${spec.name} did not become healthy within ${timeoutMs / 1000} s${waited.report ? `: ${summarize(waited.report)}` : ''}; see agentgate status ${spec.name}`);
    return CLI_EXIT.FAILED;
  } finally {
    context.signals.off('SIGINT', onInterrupt);
  }
}

function summarize(report: { checks: Record<string, { ok: boolean; reason: string }> }): string {
  return Object.entries(report.checks).filter(([, c]) => !c.ok).map(([name, c]) => `${name}: ${c.reason}`).join('; ') || 'no check failed yet';
}

function ready(context: HostContext, spec: AgentSpec, needsLogin: boolean, loginHint: string | null): number {
  context.stdout.write(`ready: ${spec.name}\n  attach:  agentgate attach ${spec.name}   (detach: Ctrl-b d)\n  status:  agentgate status ${spec.name}   logs: agentgate logs ${spec.name}\n`);
  if (needsLogin) context.stdout.write(`  login:   ${loginHint ?? 'attach and follow the agent\'s login'}: agentgate attach ${spec.name}\n`);
  return CLI_EXIT.OK;
}

function hintForCreate(message: string): string {
  if (/network .* not found/i.test(message)) return 'this engine has no such network: give one that exists (--network host, --network none, or docker network create ...)';
  if (/port is already allocated|address already in use/i.test(message)) return 'that host port is taken: give another --ssh PORT';
  return 'the engine said why above';
}
