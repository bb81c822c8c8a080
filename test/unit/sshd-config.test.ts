import { describe, expect, it } from 'vitest';
import { authorizedKeysFor, parseSshdLine, sshdConfig } from '../../supervisor/features/ssh/sshd-config.js';

const KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIOr1m6b7p9bXh2Q0yK3l9Zbq8V3sV9m5F0e1m0ZVYg9x';

describe('sshd configuration', () => {
  it('allows keys only, no forwarding of any kind, one user', () => {
    const text = sshdConfig({ host: '0.0.0.0', port: 2222, hostKeyPath: '/s/host', authorizedKeysPath: '/t/keys', user: 'agentgate' });
    for (const line of ['ListenAddress 0.0.0.0:2222', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'AllowTcpForwarding no', 'AllowAgentForwarding no', 'X11Forwarding no', 'PermitTunnel no', 'DisableForwarding yes', 'AllowUsers agentgate', 'UsePAM no']) {
      expect(text.split('\n')).toContain(line);
    }
    expect(sshdConfig({ host: '::', port: 22, hostKeyPath: 'h', authorizedKeysPath: 'k', user: 'u' })).toContain('ListenAddress [::]:22');
  });

  it('lets 64 connections log in at the same moment (sshd\'s default drops those past 10)', () => {
    const text = sshdConfig({ host: '0.0.0.0', port: 2222, hostKeyPath: '/s/host', authorizedKeysPath: '/t/keys', user: 'agentgate' });
    expect(text.split('\n')).toContain('MaxStartups 64');
  });
});

describe('authorized keys', () => {
  it('forces the session on every key, read-only for the second list, and drops the user\'s own options', () => {
    const { text, keys } = authorizedKeysFor({
      readWrite: `# team\nssh-ed25519 ${KEY} ada@laptop\ncommand="/bin/sh",no-pty ssh-ed25519 ${KEY} sneaky\n\nnot a key\n`,
      readOnly: `ssh-ed25519 ${KEY} observer`,
    });
    expect(keys).toBe(3);
    expect(text.split('\n').filter(Boolean)).toEqual([
      `restrict,pty,command="agentgate ssh-session" ssh-ed25519 ${KEY}`,
      `restrict,pty,command="agentgate ssh-session" ssh-ed25519 ${KEY}`,
      `restrict,pty,command="agentgate ssh-session --read-only" ssh-ed25519 ${KEY}`,
    ]);
  });

  it('gives nothing for empty lists', () => {
    expect(authorizedKeysFor({ readWrite: '', readOnly: '\n# none\n' })).toEqual({ text: '', keys: 0 });
  });
});

describe('sshd log lines', () => {
  it('names logins and failures with user, address and reason, never a key', () => {
    expect(parseSshdLine('Accepted publickey for agentgate from 127.0.0.1 port 40022 ssh2: ED25519 SHA256:abc')).toEqual({
      msg: 'ssh login',
      fields: { method: 'publickey', user: 'agentgate', address: '127.0.0.1', port: '40022' },
    });
    expect(parseSshdLine('Connection closed by authenticating user agentgate 127.0.0.1 port 40024 [preauth]')).toMatchObject({ msg: 'ssh login failed', fields: { reason: 'no accepted key' } });
    expect(parseSshdLine('Invalid user bob from 10.0.0.9 port 5555')).toMatchObject({ msg: 'ssh login failed', fields: { user: 'bob', address: '10.0.0.9', reason: 'unknown user' } });
    expect(parseSshdLine('Failed publickey for agentgate from 127.0.0.1 port 1 ssh2: ED25519 SHA256:x')).toMatchObject({ msg: 'ssh login failed', fields: { reason: 'publickey refused' } });
    expect(parseSshdLine('Server listening on 0.0.0.0 port 2222.')).toBeNull();
  });
});
