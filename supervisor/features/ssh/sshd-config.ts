/**
 * The OpenSSH server's configuration and inputs, as text: pure, so that what the server allows is unit-tested.
 * sshd runs as the agent's own uid with no capabilities: it can only log in that user, and every login is
 * forced into the agent's tmux session (see `authorizedKeysFor`).
 */
export interface SshdOptions {
  host: string;
  port: number;
  hostKeyPath: string;
  authorizedKeysPath: string;
  user: string;
}

/** How many SSH connections may be logging in (before authentication) at the same moment. */
export const SSH_MAX_STARTUPS = 64;

export function sshdConfig(o: SshdOptions): string {
  return [
    `ListenAddress ${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`,
    `HostKey ${o.hostKeyPath}`,
    `AuthorizedKeysFile ${o.authorizedKeysPath}`,
    `AllowUsers ${o.user}`,
    'PidFile none',
    // Keys only: no passwords, no keyboard-interactive, no PAM (a non-root sshd could not use them anyway).
    'UsePAM no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'HostbasedAuthentication no',
    'PermitEmptyPasswords no',
    // No forwarding of any kind, no tunnels, no user rc or environment.
    'AllowTcpForwarding no',
    'AllowStreamLocalForwarding no',
    'AllowAgentForwarding no',
    'X11Forwarding no',
    'PermitTunnel no',
    'GatewayPorts no',
    'PermitUserRC no',
    'PermitUserEnvironment no',
    'DisableForwarding yes',
    // The files are the supervisor's own, in a tmpfs: sshd's ownership checks of the home do not apply.
    'StrictModes no',
    'MaxAuthTries 3',
    // sshd's default (10:30:100) drops connections beyond 10 still logging in: a team logging in at once got
    // "Connection reset by peer". Logins past the handshake are not limited; this bounds only the handshakes.
    `MaxStartups ${SSH_MAX_STARTUPS}`,
    'LoginGraceTime 20',
    'ClientAliveInterval 30',
    // VERBOSE names each failed login (user, address) without ever printing a key.
    'LogLevel VERBOSE',
    'PrintMotd no',
    'PrintLastLog no',
    'Banner none',
    '',
  ].join('\n');
}

const KEY_TYPE = /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com)$/;

/**
 * authorized_keys for sshd from the user's key lists: each key gets `restrict,pty` and a forced command, so
 * that whatever the client asks, it gets the agent's session (read-only for the second list) and nothing
 * else. Options the user wrote are dropped: ours must be the only ones. Lines that hold no key are skipped.
 */
export function authorizedKeysFor(lists: { readWrite: string; readOnly: string }, command = 'agentgate ssh-session'): { text: string; keys: number } {
  const lines: string[] = [];
  for (const [list, forced] of [
    [lists.readWrite, command],
    [lists.readOnly, `${command} --read-only`],
  ] as const) {
    for (const raw of list.split('\n')) {
      const words = raw.trim().split(/\s+/);
      const at = words.findIndex((w) => KEY_TYPE.test(w));
      if (raw.trim().startsWith('#') || at < 0 || !words[at + 1]) continue;
      lines.push(`restrict,pty,command="${forced}" ${words[at]} ${words[at + 1]}`);
    }
  }
  return { text: lines.length > 0 ? `${lines.join('\n')}\n` : '', keys: lines.length };
}

export interface SshLogEvent {
  msg: 'ssh login' | 'ssh login failed' | 'ssh session closed';
  fields: Record<string, string>;
}

/** One sshd log line as an event for the supervisor's log: who, from where, why it failed. Never a key. */
export function parseSshdLine(line: string): SshLogEvent | null {
  let m = /Accepted (\S+) for (\S+) from (\S+) port (\d+)/.exec(line);
  if (m) return { msg: 'ssh login', fields: { method: m[1] as string, user: m[2] as string, address: m[3] as string, port: m[4] as string } };
  m = /Failed (\S+) for (invalid user )?(\S+) from (\S+) port (\d+)/.exec(line);
  if (m) return { msg: 'ssh login failed', fields: { user: m[3] as string, address: m[4] as string, port: m[5] as string, reason: `${m[2] ? 'unknown user, ' : ''}${m[1]} refused` } };
  m = /Invalid user (\S*) from (\S+) port (\d+)/.exec(line);
  if (m) return { msg: 'ssh login failed', fields: { user: m[1] as string, address: m[2] as string, port: m[3] as string, reason: 'unknown user' } };
  m = /Connection (?:closed|reset) by authenticating user (\S+) (\S+) port (\d+) \[preauth\]/.exec(line);
  if (m) return { msg: 'ssh login failed', fields: { user: m[1] as string, address: m[2] as string, port: m[3] as string, reason: 'no accepted key' } };
  m = /User (\S+) from (\S+) not allowed because/.exec(line);
  if (m) return { msg: 'ssh login failed', fields: { user: m[1] as string, address: m[2] as string, reason: 'user not allowed' } };
  m = /Disconnected from user (\S+) (\S+) port (\d+)/.exec(line);
  if (m) return { msg: 'ssh session closed', fields: { user: m[1] as string, address: m[2] as string, port: m[3] as string } };
  return null;
}
