import { describe, expect, it } from 'vitest';
import { LOCKED_KEY_TABLE, lockedSessionCommands, paneModeGuard, sshSessionName } from '../../supervisor/tmux/ssh-lock.js';

describe('the locked session of SSH logins', () => {
  it('is grouped with the agent\'s session, on the agent\'s window, with no prefix, no key table and no mouse', () => {
    const commands = lockedSessionCommands('agent', sshSessionName('agent'), '@3');
    expect(commands[0]).toEqual(['new-session', '-d', '-s', 'agent-ssh', '-t', '=agent']);
    expect(commands).toContainEqual(['select-window', '-t', '=agent-ssh:@3']);
    for (const [option, value] of [['prefix', 'None'], ['prefix2', 'None'], ['key-table', LOCKED_KEY_TABLE], ['mouse', 'off'], ['detach-on-destroy', 'on']]) {
      expect(commands).toContainEqual(['set-option', '-t', '=agent-ssh:', option, value]);
    }
    // A different window shown (the agent's killed) ends the session rather than show someone else's window.
    expect(commands).toContainEqual(['set-hook', '-t', '=agent-ssh:', 'session-window-changed', 'kill-session -t =agent-ssh']);
  });

  it('closes every mode but copy and view mode on the agent\'s pane', () => {
    const [, , , pane, hook, command] = paneModeGuard('%7');
    expect([pane, hook]).toEqual(['%7', 'pane-mode-changed']);
    expect(command).toContain('copy-mode -q -t %7');
    expect(command).toContain('#{!=:#{pane_mode},copy-mode}');
  });
});
