import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { replaceOrRun } from '../runtime/replace-process.js';
import { EXIT } from '../errors.js';
import { probeHealth } from '../health/health-probe.js';
import { runProcess } from '../runtime/run-process.js';
import { execCommand } from '../runtime/exec-hint.js';

export interface AttachOptions {
  session: string;
  readOnly: boolean;
  env: Record<string, string | undefined>;
  uid: number;
  /** Where the running supervisor answers health, to tell keep-alive mode and failed starts apart. */
  healthUrl: string;
  /** How long to wait for the session to appear (right after `docker run -d` it is not there yet). */
  waitMs: number;
  /** How people name this container in `docker exec` (its hostname: the container id's prefix). */
  container: string;
  /** Messages for people (stderr). */
  say: (text: string) => void;
  /** Standard input and output are a terminal (tmux needs one). */
  terminal: boolean;
  /** Tell tmux the terminal takes UTF-8 whatever the locale says (SSH logins carry no LANG). */
  utf8?: boolean;
}

/**
 * `agentgate attach`: waits briefly for the agent's session, then runs `tmux attach` on the supervisor's
 * socket with the terminal inherited and resolves with its exit code. When it cannot, it says what exists
 * (keep-alive mode, a failed start, other sessions, a session owned by another uid) and resolves with 1.
 */
export async function attachToSession(options: AttachOptions): Promise<number> {
  const env = { ...options.env };
  delete env.TMUX; // attaching from inside tmux is what the user asked for here
  delete env.TMUX_PANE;
  const health = await probeHealth({ baseUrl: options.healthUrl, timeoutMs: 1000 });
  if (health.report?.mode === 'keep-alive') {
    options.say(`no agent session: this container runs in keep-alive mode (AGENTGATE_AGENT=none); open a shell instead: ${execCommand(options.env, options.container, 'bash')}`);
    return 1;
  }
  if (health.report?.phase === 'failed') {
    options.say(`no agent session: the agent did not start: ${health.report.checks.start.reason}`);
    return 1;
  }
  const tmpDir = env.TMUX_TMPDIR || '/tmp';
  const socket = findSocket(tmpDir, options.uid);
  const target = `=${options.session}:`;
  const until = Date.now() + options.waitMs;
  let told = false;
  for (;;) {
    const probe = await runProcess('tmux', ['-S', socket, 'has-session', '-t', target], { env, timeoutMs: 3000 });
    if (probe.ok) break;
    const denied = /permission denied/i.test(probe.stderr);
    if (denied || Date.now() >= until) {
      options.say(await describeMissing(options, socket, denied, env, health.line));
      return 1;
    }
    if (!told) options.say(`waiting up to ${Math.round(options.waitMs / 1000)} s for tmux session "${options.session}"...`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Last of the checks: what else is wrong (no session, another uid's socket) is the more useful answer.
  if (!options.terminal) {
    options.say(`attach needs a terminal, and this command has none: give docker exec -it (or kubectl exec -it): ${execCommand(options.env, options.container, 'agentgate attach')}`);
    return EXIT.USAGE;
  }
  // From here on the login is tmux itself: no node process stays behind as its parent.
  return replaceOrRun('tmux', [...(options.utf8 ? ['-u'] : []), '-S', socket, 'attach-session', '-t', target, ...(options.readOnly ? ['-r'] : [])], env);
}

/** The running uid's socket, or, when it has none, the one other uid's socket there is (root attaching). */
function findSocket(tmpDir: string, uid: number): string {
  const own = join(tmpDir, `tmux-${uid}`, 'default');
  try {
    const dirs = readdirSync(tmpDir).filter((d) => /^tmux-\d+$/.test(d));
    if (dirs.includes(`tmux-${uid}`) || dirs.length !== 1) return own;
    return join(tmpDir, dirs[0] as string, 'default');
  } catch {
    return own;
  }
}

async function describeMissing(options: AttachOptions, socket: string, denied: boolean, env: Record<string, string | undefined>, healthLine: string): Promise<string> {
  const owner = /tmux-(\d+)/.exec(socket)?.[1];
  if (denied || (owner !== undefined && Number(owner) !== options.uid)) {
    return `the agent's session belongs to uid ${owner} and uid ${options.uid} cannot reach it: attach as that user: docker exec -it -u ${owner} ${options.container} agentgate attach`;
  }
  const list = await runProcess('tmux', ['-S', socket, 'list-sessions', '-F', '#{session_name}'], { env, timeoutMs: 3000 });
  const sessions = list.ok ? list.stdout.trim().split('\n').filter(Boolean) : [];
  const what = sessions.length > 0 ? `sessions there: ${sessions.join(', ')}` : `no tmux server answers on ${socket}`;
  return `no tmux session "${options.session}" after ${Math.round(options.waitMs / 1000)} s (${what}); supervisor: ${healthLine}`;
}
