import type { AgentPaneSpec } from './tmux-server.js';

/** What a dead agent's pane says, below its last screen (the supervisor leaves this line out of `lastLines`). */
export const EXIT_MESSAGE =
  '[agentgate] agent exited (#{?pane_dead_signal,signal #{pane_dead_signal},status #{pane_dead_status}}); the supervisor restarts it per AGENTGATE_RESTART';

/** One tmux command list from several commands: `a ; b ; c`. */
export function chain(commands: string[][]): string[] {
  return commands.flatMap((args, i) => (i === 0 ? args : [';', ...args]));
}

/**
 * The commands that start the agent, in one client call: the hooks that wake the supervisor, the pane (respawned,
 * or in a new session or window), its output piped, and last its pid, pane and window. Pure.
 */
export function launchSequence(o: { spec: AgentPaneSpec; respawn: boolean; target: string; pane: string[]; create: string[]; clean: string[][]; terminal: string }): string[][] {
  const { spec, pane } = o;
  const hooks = [
    ...o.clean,
    ['set-hook', '-g', 'pane-died', `wait-for -S ${spec.channel}`],
    ['set-hook', '-g', 'session-closed', `wait-for -S ${spec.channel}`],
  ];
  const launch = o.respawn
    ? [['respawn-pane', '-k', '-t', o.target, '-c', spec.cwd, '--', ...pane]]
    : [
        // remain-on-exit is on globally only while the session is created, so that an agent exiting at once
        // still leaves a dead pane to read, and windows users open later behave as tmux's defaults.
        ['set-option', '-g', 'default-terminal', o.terminal],
        ['set-option', '-gw', 'remain-on-exit', 'on'],
        o.create,
        ['set-option', '-w', '-t', `${spec.session}:`, 'remain-on-exit', 'on'],
        ['set-option', '-w', '-t', `${spec.session}:`, 'remain-on-exit-format', EXIT_MESSAGE],
        ['set-option', '-gwu', 'remain-on-exit'],
      ];
  const pipe = spec.pipeCommand ? [['pipe-pane', '-O', '-t', o.target, spec.pipeCommand]] : [];
  return [...hooks, ...launch, ...pipe, ['display-message', '-p', '-t', o.target, '#{pane_pid} #{pane_id} #{window_id}']];
}
