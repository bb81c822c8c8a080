import type { PaneEvents } from './pane-events.js';
import { isRunning } from '../runtime/process-tree.js';
import type { PaneState, TmuxServer } from './tmux-server.js';

/** How long after the signal the agent's process is looked at every millisecond. */
const FAST_LOOK_MS = 200;

/**
 * Resolves once the agent is dead: its pane dead or gone (tmux's hooks), or the process itself gone or a
 * zombie (looked at directly, so that an exit tmux missed never holds a stop for the whole grace).
 * Stops looking when `abort` settles first.
 */
export async function waitForAgentDeath(tmux: TmuxServer, session: string, pid: number, events: PaneEvents, abort: Promise<unknown>): Promise<void> {
  let aborted = false;
  void abort.then(() => (aborted = true));
  const processGone = (async () => {
    // A stop waits on this, and a look is one signal-0 and one /proc read: every millisecond while most agents
    // end (their first FAST_LOOK_MS), every 5 ms after. The first look is at once: the agent may have died
    // between the stop request and the signal.
    const fastUntil = Date.now() + FAST_LOOK_MS;
    while (!aborted && isRunning(pid)) await new Promise((resolve) => setTimeout(resolve, Date.now() < fastUntil ? 1 : 5));
    tmux.nudgeIfZombie(pid); // let tmux reap it and record its status
  })();
  const paneDead = (async () => {
    // Woken by tmux's hooks; no client is started before one: the process look above sees an agent already dead.
    for (;;) {
      await Promise.race([events.next(), tmux.exited, abort]);
      if (aborted) return;
      const pane = tmux.isRunning ? await tmux.paneState(session) : null;
      if (aborted) return;
      // No answer from a running server (a client that timed out on a busy machine) is not a death: the agent
      // still runs, so wait for the next wake (or the process look) instead of killing it before its grace.
      if (pane === 'no answer' || (!pane && tmux.isRunning && isRunning(pid))) continue;
      if (!pane || pane.pid !== pid || pane.dead) return;
    }
  })();
  await Promise.race([processGone, paneDead]);
  aborted = true; // the other look ends too: no client started for a death already known
}

/**
 * The agent's dead pane once tmux has reaped it, within `withinMs`; null when tmux does not say in time. A
 * client that did not answer (a busy machine) is asked again until the deadline: one slow answer must not
 * lose the exit status.
 */
export async function readDeadPane(tmux: TmuxServer, session: string, pid: number, withinMs: number, screenLines = 0): Promise<(PaneState & { lastLines: string[] }) | null> {
  const until = Date.now() + withinMs;
  for (;;) {
    const pane = await tmux.paneState(session, Math.max(50, until - Date.now()), screenLines);
    if (pane !== 'no answer' && pane?.pid === pid && pane.dead) return pane;
    if (Date.now() >= until || !tmux.isRunning) return null;
    tmux.nudgeIfZombie(pid);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
