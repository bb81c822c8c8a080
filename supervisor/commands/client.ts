import { loadConfig } from '../config/load-config.js';
import { lenientHealthConfig, settingOrDefault } from '../config/lenient.js';
import type { Invocation } from './invocation.js';
import { formatStatus, healthBaseUrl, probeHealth } from '../health/health-probe.js';
import { formatErrorForPeople } from '../log/people-error.js';
import type { Runtime } from '../runtime/context.js';
import { readHealthUrl } from '../runtime/health-url-file.js';
import { sshSessionName } from '../tmux/ssh-lock.js';
import { attachToSession } from './attach-session.js';

const HEALTH_PROBE_TIMEOUT_MS = 1800;
const ATTACH_WAIT_MS = 10_000;

type ClientInvocation = Extract<Invocation, { kind: 'health' | 'status' | 'attach' | 'ssh-session' }>;

/**
 * `health`, `status`, `attach` and `ssh-session`: clients of a running supervisor, speaking to people (or
 * probes). They must work in a container whose configuration is bad: that supervisor waits, unhealthy, and
 * `status` is how people learn why. So a setting that does not load falls back to its default.
 */
export async function runClient(runtime: Runtime, invocation: ClientInvocation): Promise<number> {
  const settings = clientSettings(runtime.env);
  // The running supervisor's own word on where it listens (it may have moved off a busy port).
  const baseUrl = readHealthUrl(runtime.runtimeDir) ?? healthBaseUrl(settings.health.host, settings.health.port);
  const say = (text: string) => void runtime.stderr.write(formatErrorForPeople(text, runtime.secrets));
  if (invocation.kind === 'ssh-session') {
    // Every SSH login lands here: the agent's session, or nothing.
    if (runtime.env.SSH_ORIGINAL_COMMAND) {
      say('this server only opens the agent\'s session; commands are refused (log in without one: ssh -t ...)');
      return 1;
    }
    if (!runtime.isTerminal(0)) {
      say('the agent\'s session needs a terminal: log in with ssh -t (and without -T)');
      return 1;
    }
  }
  if (invocation.kind === 'attach' || invocation.kind === 'ssh-session') {
    return attachToSession({
      // SSH logins get the locked session: their keys reach the agent and nothing else (see tmux/ssh-lock.ts).
      session: invocation.kind === 'ssh-session' ? sshSessionName(settings.sessionName) : settings.sessionName,
      terminal: runtime.isTerminal(0) && runtime.isTerminal(1),
      utf8: invocation.kind === 'ssh-session',
      readOnly: invocation.readOnly,
      env: { ...runtime.env },
      uid: runtime.uid,
      healthUrl: baseUrl,
      waitMs: ATTACH_WAIT_MS,
      container: runtime.hostname,
      say,
    });
  }
  const live = invocation.kind === 'health' && invocation.live;
  const result = await probeHealth({ baseUrl, timeoutMs: HEALTH_PROBE_TIMEOUT_MS, live });
  const text = invocation.kind === 'status' ? formatStatus(result, Date.now()) : invocation.json && (result.report ?? result.proxy) ? JSON.stringify(result.report ?? result.proxy) : result.line;
  runtime.stdout.write(`${text}\n`);
  return result.healthy ? 0 : 1;
}

function clientSettings(env: Runtime['env']): { health: { host: string; port: number }; sessionName: string } {
  try {
    return loadConfig(env);
  } catch {
    return { health: lenientHealthConfig(env), sessionName: settingOrDefault(env, 'SESSION') };
  }
}
