import { describe, expect, it } from 'vitest';
import { gitConfigText } from '../../supervisor/startup/git.js';

describe('gitConfigText', () => {
  it('writes plain values as git config does, one section per name', () => {
    expect(gitConfigText([['safe.directory', '/workspace'], ['user.name', 'Ada Agent'], ['user.email', 'ada@example.com']])).toBe(
      '[safe]\n\tdirectory = /workspace\n[user]\n\tname = Ada Agent\n\temail = ada@example.com\n',
    );
  });

  it('quotes and escapes what git would read otherwise: comment characters, quotes, backslashes, newlines, edge spaces', () => {
    expect(gitConfigText([['user.name', ' Ada "A" #1; \\x\n']])).toBe('[user]\n\tname = " Ada \\"A\\" #1; \\\\x\\n"\n');
    expect(gitConfigText([['include.path', '/home/agentgate/.gitconfig']])).toBe('[include]\n\tpath = /home/agentgate/.gitconfig\n');
  });
});
