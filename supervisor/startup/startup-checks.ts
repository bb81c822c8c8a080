import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentStateEnv, installArgFor } from '../agents/registry.js';
import { chooseHome, chooseStateDir, homeWarning, installCredentials, installSshDir, type StateSetupResult } from './state-dir.js';
import { findExecutable } from '../runtime/find-executable.js';
import { configureGit } from './git.js';
import { routeGitThroughProxy } from './git-credential-route.js';
import { checkWorkspace } from './workspace.js';
import type { Config } from '../config/load-config.js';
import { StartupError } from '../errors.js';
import type { Logger } from '../log/logger.js';

export interface StartupResult {
  /** The environment the agent (or the command) runs with. */
  agentEnv: Record<string, string | undefined>;
  /** python3, which starts the agent with clean signal dispositions; null when missing. */
  python: string | null;
  /** The configuration with the state dir the agent really uses (a private one when the configured one is unwritable). */
  config: Config;
  /**
   * Git's settings written (`git configured` logged), or a StartupError naming what failed. In agent mode they are
   * written while the health and tmux servers start: await this before the agent runs. Otherwise already settled.
   */
  gitConfigured: Promise<void>;
}

/**
 * The checks every mode runs before anything starts: workspace, git, credentials and, for the agent,
 * the tmux and agent binaries. Each failure is a StartupError naming the fix.
 */
export async function runStartupChecks(options: {
  config: Config;
  env: Record<string, string | undefined>;
  uid: number;
  gid: number;
  needsTmux: boolean;
  log: Logger;
}): Promise<StartupResult> {
  const { config, env, log } = options;
  const home = env.HOME ?? '/home/agentgate';
  const workspace = checkWorkspace(config.workspace.path, { strict: config.workspace.strict, uid: options.uid, gid: options.gid, projectDir: config.projectDir });
  log.info({ path: config.workspace.path, ownerUid: workspace.ownerUid, uid: options.uid }, 'workspace checked');
  for (const warning of workspace.warnings) log.warn(warning.fields, warning.msg);

  const git = configureGit({ workspace: config.workspace.path, home, tmpDir: env.TMPDIR ?? tmpdir(), name: config.git.name, email: config.git.email, env });
  const gitConfigured = git.written.then(() => log.info({ globalConfig: git.globalConfigPath, identity: Boolean(config.git.name || config.git.email) }, 'git configured'));
  gitConfigured.catch(() => undefined);
  // A command runs at once, so its git is set first; and the proxy's git route writes to the same file (git locks it).
  if (!options.needsTmux || config.gitCredentialUrl) await gitConfigured;
  // Git tokens held by the egress proxy: git's URLs of their hosts lead through it (no token here).
  const gitRoute = config.gitCredentialUrl ? await routeGitThroughProxy(config.gitCredentialUrl, env, log) : {};

  // The agent gets a writable HOME and state dir, private to this container when the image's cannot be written
  // (another uid, a root-owned tmpfs): it starts and says so once, instead of refusing.
  const fallbackRoot = env.TMPDIR ?? tmpdir();
  let agentHome = home;
  let stateDir = config.state.stateDir;
  if (options.needsTmux) {
    const chosenHome = chooseHome(home, options.uid, options.gid, fallbackRoot);
    agentHome = chosenHome.path;
    if (chosenHome.warning) log.warn(chosenHome.warning.fields, chosenHome.warning.msg);
    const chosenState = chooseStateDir({ stateDir, uid: options.uid, explicit: env.AGENTGATE_STATE_DIR !== undefined, fallbackRoot });
    stateDir = chosenState.path;
    if (chosenState.warning) log.warn(chosenState.warning.fields, chosenState.warning.msg);
  } else {
    const homeProblem = homeWarning(home, options.uid, options.gid);
    if (homeProblem) log.warn(homeProblem.fields, homeProblem.msg);
  }
  const state: StateSetupResult = { events: [], warnings: [] };
  installCredentials({ credentialsFile: config.state.credentialsFile, stateDir }, state);
  installSshDir({ sshDir: config.state.sshDir, home: agentHome }, state);
  for (const event of state.events) log.info(event.fields, event.msg);
  for (const warning of state.warnings) log.warn(warning.fields, warning.msg);

  const searchPath = env.PATH ?? '/usr/local/bin:/usr/bin:/bin';
  if (options.needsTmux && !findExecutable('tmux', searchPath)) {
    throw new StartupError(`tmux is not installed or not on PATH (${searchPath})`, { hint: 'install tmux >= 3.2' });
  }
  if (options.needsTmux && config.agent.kind === 'agent' && !findExecutable(config.agent.program, searchPath)) {
    const installArg = installArgFor(config.agent.program);
    // A preset's agent is missing because the image was built without it: say how to build one with it.
    if (installArg) throw new StartupError(`agent ${JSON.stringify(config.agent.program)} is not installed in this image (PATH ${searchPath})`, { hint: `build the image with ${installArg}` });
    throw new StartupError(
      `agent ${JSON.stringify(config.agent.program)} not found or not executable on PATH (${searchPath})`,
      { hint: 'install it or set AGENTGATE_AGENT' },
    );
  }
  const python = options.needsTmux ? findExecutable('python3', searchPath) : null;
  if (options.needsTmux && !python) {
    const detail = 'the agent starts with the signal dispositions tmux leaves (SIGTTIN and SIGTTOU ignored)';
    log.warn({ path: searchPath, detail, hint: 'install python3' }, 'python3 not found');
  }
  const agentEnv: Record<string, string | undefined> = {
    ...env,
    ...git.env,
    ...gitRoute,
    HOME: agentHome,
    LANG: env.LANG ?? 'C.UTF-8',
    // The image points the agents' config-dir variables at its default state dir: they follow the state dir when that moved.
    ...agentStateEnv(withStateDir(config, stateDir), env, config.state.stateDir),
  };
  // A supervisor started from inside tmux (a developer's shell) must still talk to its own server.
  delete agentEnv.TMUX;
  delete agentEnv.TMUX_PANE;
  return { agentEnv, python, config: stateDir === config.state.stateDir ? config : withStateDir(config, stateDir), gitConfigured };
}

/** The configuration with another state dir, and the recordings that live in it. */
function withStateDir(config: Config, stateDir: string): Config {
  const record = config.record ? { ...config.record, dir: join(stateDir, 'agentgate-recordings') } : null;
  return { ...config, state: { ...config.state, stateDir }, record };
}
