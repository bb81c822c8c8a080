import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agentEgressDefaults } from '../../supervisor/agents/egress-defaults.js';
import { CODEX_KEY_VARIABLES, codexHasCredentials } from '../../supervisor/agents/codex/profile.js';
import { COPILOT_KEY_VARIABLES, copilotNeedsLogin, copilotProfile } from '../../supervisor/agents/copilot/profile.js';
import { pointCopilotAtHeldKey } from '../../supervisor/agents/copilot/held-key.js';
import { GEMINI_KEY_VARIABLES, geminiHasCredentials } from '../../supervisor/agents/gemini/profile.js';
import { OPENCODE_KEY_VARIABLES, OPENCODE_PLUGIN, opencodeNeedsLogin, opencodeProfile } from '../../supervisor/agents/opencode/profile.js';
import { AGENT_PRESETS, agentStateEnv, installArgFor, profileFor, resumesByDefault } from '../../supervisor/agents/registry.js';
import { stateSubdir } from '../../supervisor/agents/state-files.js';
import { loadConfig } from '../../supervisor/config/load-config.js';
import { isSecretName } from '../../supervisor/config/secret-names.js';
import { matchRule, parseAllowlist } from '../../supervisor/features/egress/allowlist.js';

// The state dirs here are fresh and empty: no login file, no history, unless a test writes one.
const root = mkdtempSync(join(tmpdir(), 'agent-profiles-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshStateDir = () => join(root, String(++n));
const profile = (agent: string, env: Record<string, string> = {}) => {
  const stateDir = freshStateDir();
  const config = loadConfig({ AGENTGATE_AGENT: agent, AGENTGATE_STATE_DIR: stateDir, ...env });
  return { stateDir, config, profile: profileFor(config, (text) => text) };
};

describe('the agent presets', () => {
  it('are selected by name and by program, whatever follows it', () => {
    for (const name of ['codex', 'gemini', 'opencode', 'copilot']) {
      expect(AGENT_PRESETS[name]).toBe(name);
      expect(profile(name).profile.name).toBe(name);
      expect(profile(`${name} --model some-model`).profile.name).toBe(name);
      expect(resumesByDefault(name)).toBe(true);
    }
    expect(profile('bash').profile.name).toBe('generic');
    expect(resumesByDefault('toString')).toBe(false);
  });

  it('name the build argument that installs a missing preset, and nothing for other programs', () => {
    expect(installArgFor('codex')).toBe('--build-arg AGENTS=claude,codex');
    expect(installArgFor('copilot')).toBe('--build-arg AGENTS=claude,copilot');
    expect(installArgFor('bash')).toBeNull();
    expect(installArgFor('constructor')).toBeNull();
  });
});

describe('resume after a restart', () => {
  const cases: Array<[string, string[]]> = [
    ['codex', ['resume', '--last']],
    ['gemini', ['--resume', 'latest']],
    ['opencode', ['--continue']],
    ['copilot', ['--continue']],
  ];
  it.each(cases)('%s: fresh on a first start with no history, then its own "continue the latest"', (agent, continueArgs) => {
    const { profile: p } = profile(agent);
    expect(p.startArgs()).toEqual([]);
    expect(p.startArgs()).toEqual(continueArgs);
    expect(p.startArgs()).toEqual(continueArgs);
  });

  it.each(cases)('%s: not with AGENTGATE_RESUME=false', (agent) => {
    const { profile: p } = profile(agent, { AGENTGATE_RESUME: 'false' });
    p.startArgs();
    expect(p.startArgs()).toEqual([]);
  });

  it('resumes on the first start of a re-created container whose state volume holds a conversation', () => {
    const codex = profile('codex');
    mkdirSync(join(codex.stateDir, 'codex', 'sessions', '2026'), { recursive: true });
    expect(codex.profile.startArgs()).toEqual(['resume', '--last']);
    const gemini = profile('gemini');
    mkdirSync(join(gemini.stateDir, 'gemini', '.gemini', 'tmp', 'workspace', 'chats'), { recursive: true });
    writeFileSync(join(gemini.stateDir, 'gemini', '.gemini', 'tmp', 'workspace', 'chats', 'session-1.json'), '{}');
    expect(gemini.profile.startArgs()).toEqual(['--resume', 'latest']);
    const copilot = profile('copilot');
    mkdirSync(join(copilot.stateDir, 'copilot', 'session-state', 'abc'), { recursive: true });
    expect(copilot.profile.startArgs()).toEqual(['--continue']);
  });
});

describe('state dirs in the state volume', () => {
  it('put each agent under the state dir, follow a state dir that moved, and keep a place the user chose', () => {
    expect(stateSubdir(undefined, 'codex', '/s', '/s')).toBe('/s/codex');
    expect(stateSubdir('/img/codex', 'codex', '/private', '/img')).toBe('/private/codex');
    expect(stateSubdir('/elsewhere', 'codex', '/private', '/img')).toBe('/elsewhere');
    // The image's own value (its ENV) follows AGENTGATE_STATE_DIR too.
    expect(stateSubdir('/home/agentgate/.claude/codex', 'codex', '/state', '/state')).toBe('/state/codex');
  });

  it('are set for every process; OpenCode XDG dirs only when OpenCode is the agent', () => {
    const env = agentStateEnv(loadConfig({ AGENTGATE_STATE_DIR: '/s' }), {});
    expect(env).toEqual({ CLAUDE_CONFIG_DIR: '/s', CODEX_HOME: '/s/codex', GEMINI_CLI_HOME: '/s/gemini', COPILOT_HOME: '/s/copilot' });
    const opencode = agentStateEnv(loadConfig({ AGENTGATE_STATE_DIR: '/s', AGENTGATE_AGENT: 'opencode' }), {});
    expect(opencode).toMatchObject({ XDG_DATA_HOME: '/s/opencode/data', XDG_CONFIG_HOME: '/s/opencode/config', XDG_STATE_HOME: '/s/opencode/state' });
  });

  it('creates CODEX_HOME, which Codex refuses to start without', () => {
    const { profile: p, config, stateDir } = profile('codex');
    expect(p.agentEnv(config, {})).toEqual({ CODEX_HOME: join(stateDir, 'codex') });
    expect(statSync(join(stateDir, 'codex')).isDirectory()).toBe(true);
  });

  it("gives Copilot CLI its cache in its state dir: it loads native modules from the package it unpacks there, which the home's noexec tmpfs refuses", () => {
    const { profile: p, config, stateDir } = profile('copilot');
    expect(p.agentEnv(config, {}).XDG_CACHE_HOME).toBe(join(stateDir, 'copilot', 'cache'));
  });

  it("gives OpenCode a TMPDIR in its state dir: it maps a native library from there, which the image's noexec /tmp refuses", () => {
    const { profile: p, config, stateDir } = profile('opencode');
    expect(p.agentEnv(config, {}).TMPDIR).toBe(join(stateDir, 'opencode', 'state', 'tmp'));
    expect(statSync(join(stateDir, 'opencode', 'state', 'tmp')).isDirectory()).toBe(true);
  });
});

describe('login detection', () => {
  it('codex: logged in once auth.json is written; OPENAI_API_KEY alone does not log its screen in', () => {
    const { profile: p, config, stateDir } = profile('codex');
    p.agentEnv(config, {});
    expect(p.needsLogin({ OPENAI_API_KEY: 'sk-test' })).toBe(true);
    writeFileSync(join(stateDir, 'codex', 'auth.json'), '{"OPENAI_API_KEY":"sk-test"}');
    expect(p.needsLogin({})).toBe(false);
    expect(p.loginHint('docker exec -it c agentgate attach')).toContain('codex login --with-api-key');
  });

  it('codex: a provider of its own in config.toml needs no OpenAI login; the openai provider does', () => {
    const home = join(freshStateDir(), 'codex');
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'config.toml'), 'model_provider = "openai"\n');
    expect(codexHasCredentials(home)).toBe(false);
    writeFileSync(join(home, 'config.toml'), 'model = "m"\nmodel_provider = "ollama"\n[model_providers.ollama]\nbase_url = "http://127.0.0.1:11434/v1"\n');
    expect(codexHasCredentials(home)).toBe(true);
  });

  it('gemini: an auth method chosen once (a key alone leaves its dialog up) with its credential', () => {
    const home = join(freshStateDir(), 'gemini');
    const choose = (selectedType: string) => writeFileSync(join(home, '.gemini', 'settings.json'), JSON.stringify({ security: { auth: { selectedType } } }));
    expect(geminiHasCredentials({}, home)).toBe(false);
    expect(geminiHasCredentials({ GEMINI_API_KEY: 'k' }, home)).toBe(false);
    mkdirSync(join(home, '.gemini'), { recursive: true });
    choose('gemini-api-key');
    expect(geminiHasCredentials({}, home)).toBe(false);
    expect(geminiHasCredentials({ GEMINI_API_KEY: 'k' }, home)).toBe(true);
    expect(geminiHasCredentials({ GOOGLE_API_KEY: 'k' }, home)).toBe(true);
    choose('vertex-ai');
    expect(geminiHasCredentials({ GOOGLE_GENAI_USE_VERTEXAI: 'true' }, home)).toBe(true);
    choose('oauth-personal');
    expect(geminiHasCredentials({ GEMINI_API_KEY: 'k' }, home)).toBe(false);
    writeFileSync(join(home, '.gemini', 'oauth_creds.json'), '{"access_token":"x"}');
    expect(geminiHasCredentials({}, home)).toBe(true);
  });

  it('opencode: a credential is seen; its absence cannot be told (null), never a false alarm', () => {
    expect(opencodeNeedsLogin({}, join(freshStateDir(), 'data'))).toBeNull();
    expect(opencodeNeedsLogin({ ANTHROPIC_API_KEY: 'k' }, '/nowhere')).toBe(false);
    // Its Google provider's own variable (the one OpenCode reads a Google key from).
    expect(opencodeNeedsLogin({ GOOGLE_GENERATIVE_AI_API_KEY: 'k' }, '/nowhere')).toBe(false);
  });

  it('copilot: a token or a provider of its own is a credential; with neither and no stored login it needs one', () => {
    const home = join(freshStateDir(), 'copilot');
    expect(copilotNeedsLogin({}, home)).toBe(true);
    expect(copilotNeedsLogin({ COPILOT_GITHUB_TOKEN: 't' }, home)).toBe(false);
    expect(copilotNeedsLogin({ GH_TOKEN: 't' }, home)).toBe(false);
    expect(copilotNeedsLogin({ COPILOT_PROVIDER_BASE_URL: 'http://127.0.0.1:1/v1' }, home)).toBe(false);
  });

  it('every key variable is a secret name: never logged, scrubbed from screens and recordings', () => {
    for (const name of [...CODEX_KEY_VARIABLES, ...GEMINI_KEY_VARIABLES, ...OPENCODE_KEY_VARIABLES, ...COPILOT_KEY_VARIABLES]) {
      expect(isSecretName(name), name).toBe(true);
    }
  });
});

describe('hooks of the agents whose hooks report turns', () => {
  it("codex: its title thread's calls (no transcript) are dropped, the conversation's count", () => {
    const { profile: codex } = profile('codex');
    expect(codex.hooks).toBe(false); // its start comes from the screen: SessionStart waits for the first prompt
    expect(codex.acceptsHook?.({ name: 'Stop' }, { session_id: 's', transcript_path: null })).toBe(false);
    expect(codex.acceptsHook?.({ name: 'Stop' }, { session_id: 's', transcript_path: '/state/codex/sessions/x.jsonl' })).toBe(true);
    expect(codex.acceptsHook?.({ name: 'Stop' }, {})).toBe(true); // a body it could not read still counts
  });

  it('codex: a held permission request is answered in its hookSpecificOutput form, a deny with its message', () => {
    const { profile: codex } = profile('codex');
    expect(codex.decisionReply?.({ behavior: 'allow', by: 'host cli' })).toEqual({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } });
    expect(codex.decisionReply?.({ behavior: 'deny', message: 'not now', by: 'host cli' })).toEqual({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'not now' } } });
  });

  it('gemini: its hooks say when it is up (SessionStart), every call counts and none is held (its Notification only observes its dialog)', () => {
    const { profile: gemini } = profile('gemini');
    expect(gemini.hooks).toBe(true);
    expect(gemini.acceptsHook).toBeUndefined();
    expect(gemini.decisionReply).toBeUndefined();
  });
});

describe("OpenCode's plugin and Copilot CLI's hooks, copied from the image into their config dirs", () => {
  // Stand-ins for the image's files (/opt/agentgate/agent-hooks): the profiles copy whatever is there.
  const imageDir = join(root, 'agent-hooks');
  mkdirSync(imageDir, { recursive: true });
  writeFileSync(join(imageDir, OPENCODE_PLUGIN), '// the plugin\n');
  const copilotPolicyHooks = join(imageDir, 'agentgate.json');
  writeFileSync(copilotPolicyHooks, '{"version":1}\n');

  it('opencode: its plugin in its global plugin dir at each start, its answers for the plugin to give through its server API', () => {
    const stateDir = freshStateDir();
    const config = loadConfig({ AGENTGATE_AGENT: 'opencode', AGENTGATE_STATE_DIR: stateDir });
    const opencode = opencodeProfile(config, imageDir);
    expect(opencode.hooks).toBe(true);
    opencode.agentEnv(config, {});
    expect(readFileSync(join(stateDir, 'opencode', 'config', 'opencode', 'plugin', 'agentgate.js'), 'utf8')).toBe('// the plugin\n');
    expect(opencode.decisionReply?.({ behavior: 'allow', by: 'host cli' })).toEqual({ behavior: 'allow' });
    expect(opencode.decisionReply?.({ behavior: 'deny', message: 'not now', by: 'host cli' })).toEqual({ behavior: 'deny', message: 'not now' });
  });

  it("copilot: its hooks are the image's policy file, an older image's copy in COPILOT_HOME/hooks is removed (each event would come twice), a held request answered in its own form and in Claude's", () => {
    const stateDir = freshStateDir();
    const config = loadConfig({ AGENTGATE_AGENT: 'copilot', AGENTGATE_STATE_DIR: stateDir });
    const copilot = copilotProfile(config, copilotPolicyHooks);
    expect(copilot.hooks).toBe(false); // its start comes from the screen: SessionStart waits for the first prompt
    mkdirSync(join(stateDir, 'copilot', 'hooks'), { recursive: true });
    writeFileSync(join(stateDir, 'copilot', 'hooks', 'agentgate.json'), '{"version":1}\n');
    writeFileSync(join(stateDir, 'copilot', 'hooks', 'mine.json'), '{"version":1}\n');
    copilot.agentEnv(config, {});
    expect(existsSync(join(stateDir, 'copilot', 'hooks', 'agentgate.json'))).toBe(false);
    expect(existsSync(join(stateDir, 'copilot', 'hooks', 'mine.json'))).toBe(true);
    const decision = { behavior: 'deny', message: 'denied by host cli' };
    expect(copilot.decisionReply?.({ behavior: 'deny', by: 'host cli' })).toEqual({ ...decision, hookSpecificOutput: { hookEventName: 'PermissionRequest', decision } });
  });

  it('without the image (its files absent) nothing is copied, and OpenCode is judged from its screen', () => {
    const stateDir = freshStateDir();
    const config = loadConfig({ AGENTGATE_AGENT: 'copilot', AGENTGATE_STATE_DIR: stateDir });
    const copilot = copilotProfile(config, join(root, 'no-such-dir', 'agentgate.json'));
    mkdirSync(join(stateDir, 'copilot', 'hooks'), { recursive: true });
    writeFileSync(join(stateDir, 'copilot', 'hooks', 'agentgate.json'), '{"version":1}\n');
    copilot.agentEnv(config, {});
    // Without the policy file a copy in COPILOT_HOME/hooks is all that reports its state: it stays.
    expect(existsSync(join(stateDir, 'copilot', 'hooks', 'agentgate.json'))).toBe(true);
    expect(opencodeProfile(loadConfig({ AGENTGATE_AGENT: 'opencode', AGENTGATE_STATE_DIR: freshStateDir() }), join(root, 'no-such-dir')).hooks).toBe(false);
  });
});

describe('exit causes and memory', () => {
  it('name what the last screen lines say for certain', () => {
    expect(profile('codex').profile.explainExit(['Error loading configuration: CODEX_HOME points to "/x", but that path does not exist'])).toBe('its CODEX_HOME does not exist');
    expect(profile('codex').profile.explainExit(['stream disconnected before completion: error sending request'])).toBe('cannot reach its API');
    expect(profile('gemini').profile.explainExit(['When using Gemini API, you must specify the GEMINI_API_KEY environment variable.'])).toBe('not logged in');
    expect(profile('copilot').profile.explainExit(['JavaScript heap out of memory'])).toBe('out of memory');
    expect(profile('opencode').profile.explainExit(['bye'])).toBeNull();
  });

  it('have a memory floor each', () => {
    for (const name of ['codex', 'gemini', 'opencode', 'copilot']) expect(profile(name).profile.memoryFloorBytes).toBeGreaterThanOrEqual(256 * 2 ** 20);
  });
});

describe('egress defaults per agent', () => {
  const expected: Array<[string, string]> = [
    ['claude', 'api.anthropic.com'],
    ['codex', 'api.openai.com'],
    ['codex', 'auth.openai.com'],
    ['gemini', 'generativelanguage.googleapis.com'],
    ['gemini', 'oauth2.googleapis.com'],
    ['opencode', 'opencode.ai'],
    ['copilot', 'api.githubcopilot.com'],
    ['copilot', 'github.com'],
  ];
  it.each(expected)('%s reaches %s:443, and no other agent host', (agent, host) => {
    const { rules, problems } = parseAllowlist(agentEgressDefaults(agent).hosts);
    expect(problems).toEqual([]);
    expect(matchRule(rules, host, 443)).not.toBeNull();
    expect(matchRule(rules, 'example.com', 443)).toBeNull();
  });

  it("is Claude's for a command line that is no preset", () => {
    expect(agentEgressDefaults('bash').agent).toBe('Claude Code');
    expect(matchRule(parseAllowlist(agentEgressDefaults('codex').hosts).rules, 'api.anthropic.com', 443)).toBeNull();
  });
});

describe("copilot behind the egress proxy that holds its provider's key", () => {
  const endpoint = new URL('http://egress:3129');
  it('points COPILOT_PROVIDER_BASE_URL at the endpoint path of the placeholder it holds (the bearer token first), past HTTP_PROXY', () => {
    const key = 'agentgate-placeholder-the-egress-proxy-holds-the-copilot-provider-key';
    const token = 'agentgate-placeholder-the-egress-proxy-holds-the-copilot-provider-token';
    expect(pointCopilotAtHeldKey({ COPILOT_PROVIDER_API_KEY: key, COPILOT_PROVIDER_BASE_URL: 'https://llm.example.com/v1', NO_PROXY: 'localhost' }, endpoint)).toEqual({
      COPILOT_PROVIDER_BASE_URL: 'http://egress:3129/copilot-provider',
      NO_PROXY: 'localhost,egress',
      no_proxy: 'egress',
    });
    expect(pointCopilotAtHeldKey({ COPILOT_PROVIDER_API_KEY: key, COPILOT_PROVIDER_BEARER_TOKEN: token }, endpoint).COPILOT_PROVIDER_BASE_URL).toBe('http://egress:3129/copilot-provider-token');
    // A key of its own, or no endpoint: nothing changes.
    expect(pointCopilotAtHeldKey({ COPILOT_PROVIDER_API_KEY: 'sk-own' }, endpoint)).toEqual({});
    expect(pointCopilotAtHeldKey({ COPILOT_PROVIDER_API_KEY: key }, null)).toEqual({});
  });
});
