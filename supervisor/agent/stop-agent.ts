import { type Config, STOP_CLEANUP_MS } from '../config/load-config.js';
import { EXIT } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { killProcessTree, sendSignal, waitUntilGone } from '../runtime/process-tree.js';
import { type StopRequest, sleepUnless } from '../runtime/stop-request.js';
import { readDeadPane, waitForAgentDeath } from '../tmux/agent-death.js';
import type { PaneEvents } from '../tmux/pane-events.js';
import type { TmuxServer } from '../tmux/tmux-server.js';
import { type AgentEnd, LAST_LINES } from './agent-end.js';

/**
 * Graceful stop: SIGTERM to the agent's process group, the grace, then SIGKILL of the whole tree; all that
 * follows the grace (the kill, the wait for the tree to go, the tmux server's end) shares STOP_CLEANUP_MS.
 * Resolves with the supervisor's exit code: 0, or 137 when the agent had to be killed.
 */
export async function stopAgent(options: {
  config: Config;
  tmux: TmuxServer;
  log: Logger;
  stop: StopRequest;
  pid: number;
  events: PaneEvents;
  startedAtMs: number;
  marker: { name: string; value: string };
  now: () => number;
  /** Records the run's end (once, whatever ended it). */
  noteExit: (end: AgentEnd) => void;
}): Promise<number> {
  const { config, tmux, log, pid, now } = options;
  const session = config.sessionName;
  const graceMs = config.stopGraceMs;
  // The pane's process leads its own process group: signal the group so its helpers hear it too.
  if (!sendSignal(-pid, 'SIGTERM')) sendSignal(pid, 'SIGTERM');
  const deadline = sleepUnless(graceMs, options.stop.forced).then((elapsed) => (elapsed ? 'grace exceeded' : 'second signal'));
  const outcome = await Promise.race([waitForAgentDeath(tmux, session, pid, options.events, deadline).then(() => 'ended' as const), deadline]);
  const cleanupUntil = now() + STOP_CLEANUP_MS;
  const endedAtMs = now();
  const base = { startedAtMs: options.startedAtMs, endedAtMs, reason: 'stopped' as const };
  if (outcome === 'ended') {
    // The exit status comes from tmux; a frozen tmux must not hold the stop past its budget.
    const pane = await readDeadPane(tmux, session, pid, STOP_CLEANUP_MS / 2, LAST_LINES);
    options.noteExit({ ...base, code: pane?.exitCode ?? null, signal: pane?.signal ?? null, signalNumber: pane?.signalNumber ?? null, lastLines: pane?.lastLines ?? [] });
  }
  // Whatever ended, what is left of the agent's tree, session and run goes now.
  const leftovers = await killProcessTree(pid, 'SIGKILL', options.marker);
  // Leave the tmux server a share of the cleanup budget.
  const gone = await waitUntilGone([pid, ...leftovers], Math.max(0, cleanupUntil - now() - 500));
  let exitCode: number = EXIT.OK;
  if (outcome !== 'ended') {
    options.noteExit({ ...base, code: null, signal: 'SIGKILL', signalNumber: 9, lastLines: [] });
    log.warn({ pid, graceMs, reason: outcome, processes: leftovers.length, gone }, 'agent killed');
    exitCode = EXIT.KILLED;
  }
  await tmux.stop(Math.max(100, cleanupUntil - now()));
  return exitCode;
}
