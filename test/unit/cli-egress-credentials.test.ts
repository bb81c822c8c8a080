import { describe, expect, it } from 'vitest';
import { credentialsOfProxy, holdsGitToken, keepUngiven, moveCredentialsToProxy, proxyCredentialEnv, sameCredentials } from '../../cli/engine/egress-credentials.js';
import { agentEgressHosts, egressAgentSettings } from '../../cli/engine/egress.js';
import { agentEnvironment } from '../../cli/env-options.js';
import { DEFAULT_AGENT_CREDENTIALS } from '../../supervisor/agents/egress-defaults.js';
import { COPILOT_PROVIDER_HELD_KEY, COPILOT_PROVIDER_HELD_TOKEN, GEMINI_HELD_KEY, GOOGLE_HELD_KEY, OPENAI_HELD_KEY, OPENCODE_HELD_KEY, OPENROUTER_HELD_KEY } from '../../supervisor/agents/held-api-keys.js';

const { apiKeyPlaceholder, oauthTokenPlaceholder } = DEFAULT_AGENT_CREDENTIALS;

describe('agentgate up --egress: the proxy holds the credentials, the agent placeholders', () => {
  it('moves the API key and the OAuth token out of the agent, leaving a placeholder for each one given', () => {
    const moved = moveCredentialsToProxy(['AGENTGATE_AGENT=claude', 'ANTHROPIC_API_KEY=sk-ant-real', 'CLAUDE_CODE_OAUTH_TOKEN=sk-ant-oat-real']);
    expect(moved.held).toEqual({ ANTHROPIC_API_KEY: 'sk-ant-real', CLAUDE_CODE_OAUTH_TOKEN: 'sk-ant-oat-real' });
    expect(moved.agentEnv).toEqual(['AGENTGATE_AGENT=claude', `ANTHROPIC_API_KEY=${apiKeyPlaceholder}`, `CLAUDE_CODE_OAUTH_TOKEN=${oauthTokenPlaceholder}`]);
    expect(moved.agentEnv.join('\n')).not.toContain('real');
  });

  it('up --egress --agent opencode: its Anthropic, OpenAI, Gemini and OpenRouter keys from the shell go to the proxy, a variable of its own stays', () => {
    const shell = { ANTHROPIC_API_KEY: 'sk-ant-real', OPENAI_API_KEY: 'sk-real', GEMINI_API_KEY: 'AIza-real', OPENROUTER_API_KEY: 'sk-or-real', HOME: '/root' };
    const moved = moveCredentialsToProxy(agentEnvironment(['GOOGLE_GENERATIVE_AI_API_KEY=AIza-own'], shell, { AGENTGATE_AGENT: 'opencode' }));
    expect(moved.held).toEqual({ ANTHROPIC_API_KEY: 'sk-ant-real', OPENAI_API_KEY: 'sk-real', GEMINI_API_KEY: 'AIza-real', OPENROUTER_API_KEY: 'sk-or-real' });
    expect(moved.agentEnv.sort()).toEqual(
      ['AGENTGATE_AGENT=opencode', `ANTHROPIC_API_KEY=${apiKeyPlaceholder}`, `GEMINI_API_KEY=${GEMINI_HELD_KEY.placeholder}`, 'GOOGLE_GENERATIVE_AI_API_KEY=AIza-own', `OPENAI_API_KEY=${OPENAI_HELD_KEY.placeholder}`, `OPENROUTER_API_KEY=${OPENROUTER_HELD_KEY.placeholder}`].sort(),
    );
  });

  it('gives no placeholder for a credential not given (the agent may log in itself), and keeps other variables', () => {
    const moved = moveCredentialsToProxy(['ANTHROPIC_AUTH_TOKEN=other', 'AGENTGATE_PROMPT=hi']);
    expect(moved.held).toEqual({});
    expect(moved.agentEnv).toEqual(['ANTHROPIC_AUTH_TOKEN=other', 'AGENTGATE_PROMPT=hi']);
  });

  it('points the agent at the proxy\'s credential endpoint, where the supervisor sends Claude when it holds a placeholder', () => {
    expect(egressAgentSettings().env).toContain('AGENTGATE_CREDENTIAL_URL=http://egress:3129');
  });

  it('reads back what a proxy holds from its environment, to keep it when the proxy is made again', () => {
    const credentials = { held: { ANTHROPIC_API_KEY: 'sk-ant-real' }, upstream: 'http://10.0.0.1:8080' };
    const env = ['AGENTGATE_EGRESS_ALLOW=a.example', ...proxyCredentialEnv(credentials)];
    expect(credentialsOfProxy(env)).toEqual(credentials);
    expect(credentialsOfProxy(undefined)).toEqual({ held: {}, upstream: null });
  });

  it('tells a proxy that can keep serving from one that holds another key', () => {
    const had = { held: { ANTHROPIC_API_KEY: 'k1' }, upstream: null };
    expect(sameCredentials(had, { held: { ANTHROPIC_API_KEY: 'k1' }, upstream: null })).toBe(true);
    expect(sameCredentials(had, { held: { ANTHROPIC_API_KEY: 'k2' }, upstream: null })).toBe(false);
    expect(sameCredentials(had, { held: { ANTHROPIC_API_KEY: 'k1', CLAUDE_CODE_OAUTH_TOKEN: 't' }, upstream: null })).toBe(false);
    expect(sameCredentials(had, { held: { ANTHROPIC_API_KEY: 'k1' }, upstream: 'http://mock:1' })).toBe(false);
  });

  it('keeps what an up does not give: an agent without a key (a login of its own) leaves the proxy its key', () => {
    const had = { held: { ANTHROPIC_API_KEY: 'k1' }, upstream: 'http://mock:1' };
    expect(keepUngiven(had, { held: {}, upstream: null })).toEqual(had);
    expect(keepUngiven(had, { held: {}, upstream: 'http://mock:2' })).toEqual({ held: { ANTHROPIC_API_KEY: 'k1' }, upstream: 'http://mock:2' });
    expect(keepUngiven(had, { held: { ANTHROPIC_API_KEY: 'k2' }, upstream: null })).toEqual({ held: { ANTHROPIC_API_KEY: 'k2' }, upstream: 'http://mock:1' });
  });
});

describe('agentgate up --egress: Codex\'s and Gemini CLI\'s keys', () => {
  it('moves OPENAI_API_KEY and GEMINI_API_KEY to the proxy with a placeholder each, and their upstreams whole', () => {
    const moved = moveCredentialsToProxy(['AGENTGATE_AGENT=codex', 'OPENAI_API_KEY=sk-openai-real', 'GEMINI_API_KEY=AIza-real', 'AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI=http://mock:1/v1']);
    expect(moved.held).toEqual({ OPENAI_API_KEY: 'sk-openai-real', GEMINI_API_KEY: 'AIza-real', AGENTGATE_CREDENTIAL_UPSTREAM_OPENAI: 'http://mock:1/v1' });
    expect(moved.agentEnv).toEqual(['AGENTGATE_AGENT=codex', `OPENAI_API_KEY=${OPENAI_HELD_KEY.placeholder}`, `GEMINI_API_KEY=${GEMINI_HELD_KEY.placeholder}`]);
    const credentials = { held: moved.held, upstream: null };
    expect(credentialsOfProxy(proxyCredentialEnv(credentials))).toEqual(credentials);
  });
});

describe("agentgate up --egress: Copilot's own-provider key and token", () => {
  it('moves them to the proxy with a placeholder each, and the provider\'s base URL as their upstream (the agent keeps it)', () => {
    const shell = { COPILOT_PROVIDER_API_KEY: 'sk-provider-real', COPILOT_PROVIDER_BEARER_TOKEN: 'bearer-real' };
    const moved = moveCredentialsToProxy(agentEnvironment(['COPILOT_PROVIDER_BASE_URL=https://llm.example.com/v1'], shell, { AGENTGATE_AGENT: 'copilot' }));
    expect(moved.held).toEqual({ COPILOT_PROVIDER_API_KEY: 'sk-provider-real', COPILOT_PROVIDER_BEARER_TOKEN: 'bearer-real', AGENTGATE_CREDENTIAL_UPSTREAM_COPILOT: 'https://llm.example.com/v1' });
    expect(moved.agentEnv.sort()).toEqual(
      ['AGENTGATE_AGENT=copilot', 'COPILOT_PROVIDER_BASE_URL=https://llm.example.com/v1', `COPILOT_PROVIDER_API_KEY=${COPILOT_PROVIDER_HELD_KEY.placeholder}`, `COPILOT_PROVIDER_BEARER_TOKEN=${COPILOT_PROVIDER_HELD_TOKEN.placeholder}`].sort(),
    );
    const credentials = { held: moved.held, upstream: null };
    expect(credentialsOfProxy(proxyCredentialEnv(credentials))).toEqual(credentials);
  });

  it('an upstream given with --env wins; with no key held, the base URL stays the agent\'s alone', () => {
    const given = moveCredentialsToProxy(['COPILOT_PROVIDER_API_KEY=k', 'COPILOT_PROVIDER_BASE_URL=https://a/v1', 'AGENTGATE_CREDENTIAL_UPSTREAM_COPILOT=https://b/v1']);
    expect(given.held).toEqual({ COPILOT_PROVIDER_API_KEY: 'k', AGENTGATE_CREDENTIAL_UPSTREAM_COPILOT: 'https://b/v1' });
    expect(moveCredentialsToProxy(['COPILOT_PROVIDER_BASE_URL=http://ollama:11434/v1']).held).toEqual({});
  });
});

describe('agentgate up --egress: OpenCode\'s other keys', () => {
  it('moves OPENROUTER_API_KEY, OPENCODE_API_KEY and GOOGLE_API_KEY to the proxy for OpenCode, and their upstreams whole', () => {
    const shell = { OPENROUTER_API_KEY: 'sk-or-real', OPENCODE_API_KEY: 'sk-zen-real', GOOGLE_API_KEY: 'AIza-google-real', HOME: '/root' };
    const moved = moveCredentialsToProxy(agentEnvironment(['AGENTGATE_CREDENTIAL_UPSTREAM_OPENROUTER=http://mock:1/api/v1', 'AGENTGATE_CREDENTIAL_UPSTREAM_OPENCODE=http://mock:2/zen'], shell, { AGENTGATE_AGENT: 'opencode' }));
    expect(moved.held).toEqual({
      OPENROUTER_API_KEY: 'sk-or-real', OPENCODE_API_KEY: 'sk-zen-real', GOOGLE_API_KEY: 'AIza-google-real',
      AGENTGATE_CREDENTIAL_UPSTREAM_OPENROUTER: 'http://mock:1/api/v1', AGENTGATE_CREDENTIAL_UPSTREAM_OPENCODE: 'http://mock:2/zen',
    });
    expect(moved.agentEnv.sort()).toEqual(
      ['AGENTGATE_AGENT=opencode', `GOOGLE_API_KEY=${GOOGLE_HELD_KEY.placeholder}`, `OPENCODE_API_KEY=${OPENCODE_HELD_KEY.placeholder}`, `OPENROUTER_API_KEY=${OPENROUTER_HELD_KEY.placeholder}`].sort(),
    );
    const credentials = { held: moved.held, upstream: null };
    expect(credentialsOfProxy(proxyCredentialEnv(credentials))).toEqual(credentials);
  });

  it('leaves Gemini CLI its GOOGLE_API_KEY (Vertex AI\'s, which the proxy does not serve)', () => {
    const moved = moveCredentialsToProxy(['AGENTGATE_AGENT=gemini', 'GOOGLE_API_KEY=AIza-vertex', 'GEMINI_API_KEY=AIza-real']);
    expect(moved.held).toEqual({ GEMINI_API_KEY: 'AIza-real' });
    expect(moved.agentEnv).toEqual(['AGENTGATE_AGENT=gemini', 'GOOGLE_API_KEY=AIza-vertex', `GEMINI_API_KEY=${GEMINI_HELD_KEY.placeholder}`]);
  });
});

describe('agentgate up --egress: git tokens go to the proxy whole', () => {
  it('takes AGENTGATE_GIT_TOKEN_<HOST> and AGENTGATE_GIT_USERNAME out of the agent, with no placeholder, and reads them back', () => {
    const moved = moveCredentialsToProxy(['AGENTGATE_GIT_TOKEN_GITHUB_COM=ghp_real', 'AGENTGATE_GIT_USERNAME=bot', 'AGENTGATE_PROMPT=hi']);
    expect(moved.held).toEqual({ AGENTGATE_GIT_TOKEN_GITHUB_COM: 'ghp_real', AGENTGATE_GIT_USERNAME: 'bot' });
    expect(moved.agentEnv).toEqual(['AGENTGATE_PROMPT=hi']);
    const credentials = { held: moved.held, upstream: null };
    expect(holdsGitToken(credentials)).toBe(true);
    expect(credentialsOfProxy(proxyCredentialEnv(credentials))).toEqual(credentials);
    expect(holdsGitToken({ held: { AGENTGATE_GIT_USERNAME: 'bot', ANTHROPIC_API_KEY: 'k' }, upstream: null })).toBe(false);
  });
});

describe('agentgate up --egress: each agent\'s own hosts', () => {
  it('adds the selected agent\'s API and login hosts to the proxy\'s list (its default is Claude\'s), and none for Claude or a command line', () => {
    expect(agentEgressHosts(['AGENTGATE_AGENT=codex'])).toEqual(['api.openai.com:443', 'auth.openai.com:443', 'chatgpt.com:443']);
    expect(agentEgressHosts(['AGENTGATE_AGENT=gemini --yolo'])).toContain('generativelanguage.googleapis.com:443');
    expect(agentEgressHosts(['AGENTGATE_AGENT=claude'])).toEqual([]);
    expect(agentEgressHosts(['AGENTGATE_AGENT=sleep 1000000'])).toEqual([]);
    expect(agentEgressHosts([])).toEqual([]);
  });

  it("adds Copilot's own provider when the agent reaches it straight (no key for the proxy), not when the proxy holds its key", () => {
    const copilot = ['AGENTGATE_AGENT=copilot', 'COPILOT_PROVIDER_BASE_URL=http://ollama.lan:11434/v1'];
    expect(agentEgressHosts(copilot)).toContain('ollama.lan:11434');
    expect(agentEgressHosts(['AGENTGATE_AGENT=copilot', 'COPILOT_PROVIDER_BASE_URL=https://llm.example.com/v1'])).toContain('llm.example.com:443');
    expect(agentEgressHosts([...copilot, 'COPILOT_PROVIDER_API_KEY=k'])).not.toContain('ollama.lan:11434');
    expect(agentEgressHosts([...copilot, 'COPILOT_PROVIDER_BEARER_TOKEN=t'])).not.toContain('ollama.lan:11434');
    expect(agentEgressHosts(['AGENTGATE_AGENT=codex', 'COPILOT_PROVIDER_BASE_URL=http://ollama.lan:11434/v1'])).not.toContain('ollama.lan:11434');
    expect(agentEgressHosts(['AGENTGATE_AGENT=copilot', 'COPILOT_PROVIDER_BASE_URL=not a url'])).toEqual(agentEgressHosts(['AGENTGATE_AGENT=copilot']));
  });
});
