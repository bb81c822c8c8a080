import { describe, expect, it } from 'vitest';
import { gitRouteEnv } from '../../supervisor/startup/git-credential-route.js';

describe('gitRouteEnv', () => {
  it('points each host’s https:// URL at the endpoint in git’s command-line scope, after the entries already there', () => {
    const env = gitRouteEnv(new URL('http://egress:3130'), ['github.com', 'git.example.org:8443'], { GIT_CONFIG_COUNT: '1', NO_PROXY: 'localhost,egress' });
    expect(env).toEqual({
      GIT_CONFIG_KEY_1: 'url.http://egress:3130/github.com/.insteadOf',
      GIT_CONFIG_VALUE_1: 'https://github.com/',
      GIT_CONFIG_KEY_2: 'url.http://egress:3130/git.example.org:8443/.insteadOf',
      GIT_CONFIG_VALUE_2: 'https://git.example.org:8443/',
      GIT_CONFIG_COUNT: '3',
      NO_PROXY: 'localhost,egress',
      no_proxy: 'egress',
    });
  });
});
