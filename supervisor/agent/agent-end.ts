import type { PaneEvents } from '../tmux/pane-events.js';
import type { TmuxServer } from '../tmux/tmux-server.js';
import type { ExitReason } from './events.js';
import type { AgentExit } from './restart-policy.js';

/** How many of a dead agent's last screen lines its exit record keeps. */
export const LAST_LINES = 15;

/** Between looks at the pane that got no answer. */
const LOOK_AGAIN_MS = 50;

/** How one run of the agent ended, as the run loop records it. */
export type AgentEnd = AgentExit & {
  signal: NodeJS.Signals | null;
  reason: ExitReason;
  lastLines: string[];
};

/** Waits, without polling, for the pane to die, the session to go or the server to die; or for a stop. */
export async function waitForAgentEnd(options: {
  tmux: TmuxServer;
  session: string;
  pid: number;
  events: PaneEvents;
  startedAtMs: number;
  stopped: Promise<void>;
  now: () => number;
}): Promise<AgentEnd | 'stop'> {
  const { tmux, session, pid, startedAtMs } = options;
  let lookAgain = false;
  for (;;) {
    const woke: 'event' | 'server' | 'stop' = await Promise.race([
      lookAgain ? new Promise((resolve) => setTimeout(resolve, LOOK_AGAIN_MS)).then(() => 'event' as const) : options.events.next().then(() => 'event' as const),
      tmux.exited.then(() => 'server' as const),
      options.stopped.then(() => 'stop' as const),
    ]);
    if (woke === 'stop') return 'stop';
    // With its last lines: a dead pane's record then takes one tmux client, which the restart waits for.
    const pane: Awaited<ReturnType<TmuxServer['paneState']>> = woke === 'server' || !tmux.isRunning ? null : await tmux.paneState(session, undefined, LAST_LINES);
    // A look that got no answer (a busy or frozen server) says nothing: the wake that asked may be a death, so
    // look again (a server gone meanwhile wins the race above) rather than wait for another wake, and never take
    // a running agent for a killed session.
    lookAgain = pane === 'no answer';
    if (pane === 'no answer') continue;
    const base = { startedAtMs, endedAtMs: options.now() };
    if (pane && pane.pid === pid && pane.dead) {
      return { ...base, code: pane.exitCode, signal: pane.signal, signalNumber: pane.signalNumber, reason: 'exited', lastLines: pane.lastLines };
    }
    if (pane && pane.pid === pid) continue; // another session closed: ours is fine
    const serverDied = !tmux.isRunning || woke === 'server';
    return {
      ...base,
      code: null,
      signal: null,
      signalNumber: null,
      infrastructure: true,
      reason: serverDied ? 'tmux server died' : 'session killed',
      lastLines: [],
    };
  }
}
