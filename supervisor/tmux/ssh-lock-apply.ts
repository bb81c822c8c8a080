import type { Logger } from '../log/logger.js';
import { chain } from './launch-sequence.js';
import { lockedSessionCommands, paneModeGuard } from './ssh-lock.js';

type TmuxCommand = (args: string[]) => Promise<{ ok: boolean; stderr: string }>;

/**
 * Makes the locked session SSH logins attach to, when it is not there (a new agent session, or it killed
 * itself), and guards a new agent pane against modes that take commands (see ssh-lock.ts).
 */
export async function lockSshSession(
  command: TmuxCommand,
  o: { session: string; sshSession: string; agentPane: string; agentWindow: string; respawn: boolean; channel: string; log: Logger },
): Promise<void> {
  // The agent's window killed while its session lives on (people's windows) closes no session, and the
  // locked session then ends itself: the supervisor must hear of it to start the agent again.
  const unlinked = ['set-hook', '-g', 'window-unlinked', `if-shell -F '#{==:#{hook_window},${o.agentWindow}}' 'wait-for -S ${o.channel}'`];
  const guard = o.respawn ? [unlinked] : [unlinked, paneModeGuard(o.agentPane)];
  const exists = (await command(['has-session', '-t', `=${o.sshSession}`])).ok;
  const lock = exists ? [] : lockedSessionCommands(o.session, o.sshSession, o.agentWindow);
  const result = await command(chain([...guard, ...lock]));
  if (result.ok) return;
  // Fail closed: a session left without its locks would give a login tmux's keys.
  await command(['kill-session', '-t', `=${o.sshSession}`]);
  o.log.error({ session: o.sshSession, err: result.stderr, detail: 'removed: SSH logins wait for the next start' }, 'ssh session not locked');
}
