import { describe, expect, it } from 'vitest';
import { API_KEY_PLACEHOLDER, OAUTH_TOKEN_PLACEHOLDER, placeholderApiEnv } from '../../supervisor/agents/claude/credential-placeholder.js';
import { swapCredential } from '../../supervisor/features/egress/credential-endpoint.js';

const held = { apiKey: 'real-key', oauthToken: 'real-token' };

describe('swapCredential', () => {
  it('puts the real API key in place of the placeholder, and the upstream as host', () => {
    const out = swapCredential({ 'x-api-key': API_KEY_PLACEHOLDER, host: 'egress:3129', connection: 'keep-alive', 'anthropic-version': '2023-06-01' }, held, 'api.anthropic.com');
    expect(out).toEqual({ attached: 'api-key', headers: { 'x-api-key': 'real-key', host: 'api.anthropic.com', 'anthropic-version': '2023-06-01' } });
  });
  it('puts the real OAuth token in place of the placeholder bearer', () => {
    expect(swapCredential({ authorization: `Bearer ${OAUTH_TOKEN_PLACEHOLDER}` }, held, 'h')).toMatchObject({ attached: 'oauth-token', headers: { authorization: 'Bearer real-token' } });
  });
  it('passes other credentials untouched', () => {
    expect(swapCredential({ 'x-api-key': 'own', authorization: 'Bearer own' }, held, 'h')).toMatchObject({ attached: 'none', headers: { 'x-api-key': 'own', authorization: 'Bearer own' } });
  });
  it('refuses a placeholder it holds nothing for', () => {
    expect(swapCredential({ authorization: `Bearer ${OAUTH_TOKEN_PLACEHOLDER}` }, { apiKey: 'k', oauthToken: null }, 'h')).toBeNull();
  });
});

describe('placeholderApiEnv', () => {
  const url = new URL('http://egress:3129');
  it('points Claude at the credential endpoint, past the proxy, when it holds a placeholder', () => {
    expect(placeholderApiEnv(url, { ANTHROPIC_API_KEY: API_KEY_PLACEHOLDER, NO_PROXY: 'localhost,127.0.0.1' })).toEqual({
      ANTHROPIC_BASE_URL: 'http://egress:3129',
      NO_PROXY: 'localhost,127.0.0.1,egress',
      no_proxy: 'egress',
    });
    expect(placeholderApiEnv(url, { CLAUDE_CODE_OAUTH_TOKEN: OAUTH_TOKEN_PLACEHOLDER })).toMatchObject({ ANTHROPIC_BASE_URL: 'http://egress:3129' });
  });
  it('changes nothing for a credential of the agent’s own, or without an endpoint', () => {
    expect(placeholderApiEnv(url, { ANTHROPIC_API_KEY: 'sk-ant-real' })).toEqual({});
    expect(placeholderApiEnv(null, { ANTHROPIC_API_KEY: API_KEY_PLACEHOLDER })).toEqual({});
  });
});
