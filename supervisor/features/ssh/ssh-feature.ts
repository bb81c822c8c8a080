import type { FeatureFactory } from '../feature.js';
import { forComponent } from '../../log/component.js';
import { SshServer } from './ssh-server.js';

/** AGENTGATE_SSH_PORT: SSH straight into the agent's session, for as long as the supervisor runs. */
export const serveSsh: FeatureFactory = ({ config, runtime, log, events, stopping }) => {
  const ssh = config.ssh;
  if (!ssh) return null;
  let server: SshServer | null = null;
  const unsubscribe = events.subscribe((event) => {
    if (event.type === 'exited' && ssh.onAgentExit === 'end') server?.endSessions();
  });
  // SSH ends with the stop's start: the tmux server, and with it every attached client, goes within the budget anyway.
  void stopping.then(() => server?.stop(500));
  return {
    start: async (agentEnv) => {
      // sshd gives its sessions a minimal environment: the forced command carries what attach needs.
      const tmuxTmpDir = runtime.env.TMUX_TMPDIR;
      const sessionCommand = [`AGENTGATE_SESSION=${config.sessionName}`, tmuxTmpDir ? `TMUX_TMPDIR='${tmuxTmpDir}'` : '', 'agentgate ssh-session'].filter(Boolean).join(' ');
      server = new SshServer({
        host: ssh.host,
        port: ssh.port,
        stateDir: config.state.stateDir,
        runtimeDir: runtime.runtimeDir,
        authorizedKeysFile: ssh.authorizedKeysFile,
        readOnlyKeysFile: ssh.readOnlyKeysFile,
        sessionCommand,
        env: { ...agentEnv },
        log: forComponent(log, 'ssh'),
      });
      await server.start();
    },
    close: unsubscribe,
  };
};
