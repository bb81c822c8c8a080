import type { TmuxServer } from './tmux-server.js';

/**
 * tmux 3.3a can lose the SIGCHLD of a pane that exits within milliseconds of a respawn: the agent then stays
 * an unreaped zombie and pane-died never fires. Until the returned function is called, this checks the agent
 * (one /proc read) and, when tmux has left it a zombie, sends tmux the SIGCHLD again so that it reaps the
 * pane and runs its hooks as usual. The check is frequent right after a start, when the loss happens, and
 * sparse later, so that a lost exit costs at most a few tens of milliseconds without waking an idle supervisor
 * often.
 */
export function watchForLostExit(tmux: Pick<TmuxServer, 'nudgeIfZombie'>, agentPid: number, schedule = { earlyMs: 20, earlyForMs: 3000, laterMs: 500 }): () => void {
  const startedAtMs = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    tmux.nudgeIfZombie(agentPid);
    const early = Date.now() - startedAtMs < schedule.earlyForMs;
    timer = setTimeout(tick, early ? schedule.earlyMs : schedule.laterMs);
    timer.unref();
  };
  tick();
  return () => clearTimeout(timer);
}
