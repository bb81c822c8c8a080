import { describe, expect, it } from 'vitest';
import { hostOfVariable, parseGitTokens } from '../../supervisor/features/egress/git-tokens.js';

describe('git tokens held by the proxy', () => {
  it('reads the host from the variable name: _ is a dot, __ a dash, ___ and digits at the end a port', () => {
    expect(hostOfVariable('GITHUB_COM')).toBe('github.com');
    expect(hostOfVariable('MY__GIT_EXAMPLE_ORG')).toBe('my-git.example.org');
    expect(hostOfVariable('GIT_EXAMPLE_ORG___8443')).toBe('git.example.org:8443');
    expect(hostOfVariable('127_0_0_1___9443')).toBe('127.0.0.1:9443');
    expect(hostOfVariable('LOCALHOST')).toBe('localhost');
    expect(hostOfVariable('BAD__')).toBeNull();
    expect(hostOfVariable('_GITHUB_COM')).toBeNull();
    expect(hostOfVariable('')).toBeNull();
  });

  it('takes variables and a file (host[:port] token [username]); the file wins; problems never show a token', () => {
    const env = { AGENTGATE_GIT_TOKEN_GITHUB_COM: 'ghp_env', AGENTGATE_GIT_TOKEN_BAD__: 'secret-1', AGENTGATE_GIT_TOKEN_GITLAB_COM: '', PATH: '/bin' };
    const file = '# tokens\ngithub.com ghp_file\nbitbucket.org bbtoken x-token-auth\ngit.example.org:8443  t3 \nnot a host line here\n';
    const { tokens, problems } = parseGitTokens(env, file, 'x-access-token');
    expect([...tokens]).toEqual([
      ['github.com', { username: 'x-access-token', token: 'ghp_file' }],
      ['bitbucket.org', { username: 'x-token-auth', token: 'bbtoken' }],
      ['git.example.org:8443', { username: 'x-access-token', token: 't3' }],
    ]);
    expect(problems).toEqual([
      'AGENTGATE_GIT_TOKEN_BAD__: the name does not encode a host (`_` for ".", `__` for "-", `___<port>` at the end)',
      'line 5: expected "host[:port] token [username]"',
    ]);
  });
});
