import { type Config, loadConfig } from '../config/load-config.js';
import { settingOrDefault } from '../config/lenient.js';
import { ConfigError, EXIT, SharedTmpError, SupervisorError } from '../errors.js';
import { setUpLogging } from '../log/log-setup.js';
import { INTERNAL_ERROR_HINT, formatErrorForPeople } from '../log/people-error.js';
import type { Runtime } from '../runtime/context.js';
import { snapshotUse } from '../runtime/startup-snapshot.js';
import { runStartupChecks } from '../startup/startup-checks.js';
import { VERSION } from '../version.js';
import { runAgent } from './agent.js';
import { holdFailedStart } from './failed-start.js';
import type { Invocation } from './invocation.js';
import { runKeepAlive } from './keep-alive.js';
import { runProxy } from './proxy.js';
import { runCommand } from './run-command.js';

type SupervisedInvocation = Extract<Invocation, { kind: 'run' | 'command' | 'proxy' }>;

/** What to do about a configuration error: each problem names its variable and what it takes. */
const CONFIG_HINT = 'fix or unset each variable listed; docs/configuration.md says what each takes';

/**
 * Everything that runs under the supervisor's configuration: the agent (or keep-alive), one command, the
 * egress proxy. Loads the configuration, runs the startup checks, then the mode; a failure is reported once
 * and ends with its documented code, or is held (AGENTGATE_ON_START_ERROR=wait).
 */
export async function supervise(runtime: Runtime, invocation: SupervisedInvocation): Promise<number> {
  const commandMode = invocation.kind === 'command';
  const logging = setUpLogging(runtime, commandMode);
  let log = logging.log;
  let config: Config | null = null;
  try {
    config = loadConfig(runtime.env);
    log = logging.withLevel(config.log.level);
    log.debug({ snapshot: snapshotUse(runtime.startedFrom, runtime.bundleDir, runtime.env) }, 'startup snapshot');
    for (const warning of config.warnings) log.warn(warning.fields, warning.msg);
    if (runtime.pid === 1) log.warn({ detail: 'orphans will not be reaped', hint: 'put tini in front (docker run --init; the image does)' }, 'pid 1 without init');
    if (invocation.kind === 'proxy') return await runProxy(runtime, config, log);
    const mode = commandMode ? 'command' : config.agent.kind === 'none' ? 'keep-alive' : 'agent';
    log.info({ mode, version: VERSION, agent: config.agent.program || null, session: config.sessionName, restart: config.restart.policy, workspace: config.workspace.path }, 'config loaded');
    const started = await runStartupChecks({ config, env: runtime.env, uid: runtime.uid, gid: runtime.gid, needsTmux: mode === 'agent', log });
    const { agentEnv, python, gitConfigured } = started;
    config = started.config; // the state dir the agent really uses
    if (invocation.kind === 'command') {
      const code = await runCommand({ argv: invocation.argv, cwd: config.workspace.path, env: agentEnv, signals: runtime.signals, log });
      log.debug({ exitCode: code }, 'command exited');
      return code;
    }
    return mode === 'agent' ? await runAgent(runtime, config, { agentEnv, python, gitConfigured }, log) : await runKeepAlive(runtime, config, log);
  } catch (error) {
    if (!(error instanceof SupervisorError)) {
      log.error({ err: error, exitCode: EXIT.INTERNAL, hint: INTERNAL_ERROR_HINT }, 'internal error');
      return EXIT.INTERNAL;
    }
    if (logging.forPeople) runtime.stderr.write(formatErrorForPeople(error.message, runtime.secrets));
    else if (error instanceof ConfigError) log.error({ exitCode: error.exitCode, problems: error.problems, hint: CONFIG_HINT }, 'invalid configuration');
    else log.error({ exitCode: error.exitCode, error: error.problem, hint: error.hint ?? undefined }, 'start failed');
    const onStartError = config ? config.onStartError : settingOrDefault(runtime.env, 'ON_START_ERROR');
    const wait = !commandMode && !(error instanceof SharedTmpError) && onStartError === 'wait';
    return wait ? await holdFailedStart(runtime, error, config, log) : error.exitCode;
  }
}
