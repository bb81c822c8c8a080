import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_AGENT_CREDENTIALS } from '../../supervisor/agents/egress-defaults.js';
import { GEMINI_HELD_KEY, GOOGLE_HELD_KEY, OPENAI_HELD_KEY, OPENCODE_HELD_KEY, OPENROUTER_HELD_KEY } from '../../supervisor/agents/held-api-keys.js';
import { heldBaseUrls, mergeHeldBaseUrls, pointOpencodeAtHeldKeys } from '../../supervisor/agents/opencode/held-keys.js';

const url = new URL('http://egress:3129');
const ALL = { ANTHROPIC_API_KEY: DEFAULT_AGENT_CREDENTIALS.apiKeyPlaceholder, OPENAI_API_KEY: OPENAI_HELD_KEY.placeholder, GEMINI_API_KEY: GEMINI_HELD_KEY.placeholder };

describe("OpenCode's providers pointed at the credential endpoint (pure)", () => {
  it('gives each provider whose placeholder the agent holds the path its SDK appends to, and none without the endpoint', () => {
    expect(heldBaseUrls(ALL, url)).toEqual({ anthropic: 'http://egress:3129/v1', openai: 'http://egress:3129/openai', google: 'http://egress:3129/gemini/v1beta' });
    expect(heldBaseUrls({ ANTHROPIC_API_KEY: 'sk-ant-own', OPENAI_API_KEY: OPENAI_HELD_KEY.placeholder, GOOGLE_API_KEY: GEMINI_HELD_KEY.placeholder }, url)).toEqual({ openai: 'http://egress:3129/openai' });
    expect(heldBaseUrls(ALL, null)).toEqual({});
  });

  it('points OpenRouter, OpenCode Zen and Go, and Google by GOOGLE_API_KEY at their paths; GEMINI_API_KEY’s placeholder wins for Google', () => {
    const others = { OPENROUTER_API_KEY: OPENROUTER_HELD_KEY.placeholder, OPENCODE_API_KEY: OPENCODE_HELD_KEY.placeholder, GOOGLE_API_KEY: GOOGLE_HELD_KEY.placeholder };
    expect(heldBaseUrls(others, url)).toEqual({
      openrouter: 'http://egress:3129/openrouter',
      opencode: 'http://egress:3129/opencode/v1',
      'opencode-go': 'http://egress:3129/opencode/go/v1',
      google: 'http://egress:3129/google/v1beta',
    });
    expect(heldBaseUrls({ ...others, GEMINI_API_KEY: GEMINI_HELD_KEY.placeholder }, url).google).toBe('http://egress:3129/gemini/v1beta');
    expect(heldBaseUrls({ OPENROUTER_API_KEY: 'sk-or-own', OPENCODE_API_KEY: 'sk-zen-own' }, url)).toEqual({});
  });

  it('sets baseURL beside the user’s settings, and the user’s own baseURL wins', () => {
    const config = { model: 'anthropic/claude-x', provider: { anthropic: { models: { 'claude-x': {} } }, openai: { options: { baseURL: 'https://gateway.example/v1', timeout: 5 } } } };
    const { config: merged, set } = mergeHeldBaseUrls(config, heldBaseUrls(ALL, url), {});
    expect(merged).toEqual({
      model: 'anthropic/claude-x',
      provider: {
        anthropic: { models: { 'claude-x': {} }, options: { baseURL: 'http://egress:3129/v1' } },
        openai: { options: { baseURL: 'https://gateway.example/v1', timeout: 5 } },
        google: { options: { baseURL: 'http://egress:3129/gemini/v1beta' } },
      },
    });
    expect(set).toEqual({ anthropic: 'http://egress:3129/v1', google: 'http://egress:3129/gemini/v1beta' });
    // A provider `api` address of the user's own wins too.
    expect(mergeHeldBaseUrls({ provider: { anthropic: { api: 'https://gateway.example/v1' } } }, heldBaseUrls(ALL, url), {}).set).not.toHaveProperty('anthropic');
    expect(config.provider.anthropic).toEqual({ models: { 'claude-x': {} } }); // the input is not changed
  });

  it('removes what it set when the placeholder is gone, keeps what the user changed, and sets it again unchanged', () => {
    const first = mergeHeldBaseUrls({ provider: { anthropic: { models: {} } } }, heldBaseUrls(ALL, url), {});
    expect(mergeHeldBaseUrls(first.config, heldBaseUrls(ALL, url), first.set)).toEqual(first);
    const gone = mergeHeldBaseUrls(first.config, {}, first.set);
    expect(gone).toEqual({ config: { provider: { anthropic: { models: {} } } }, set: {} });
    // A baseURL the user changed since is theirs: kept, and it wins.
    const changed = structuredClone(first.config) as any;
    changed.provider.google.options.baseURL = 'https://mine.example/v1beta';
    expect(mergeHeldBaseUrls(changed, heldBaseUrls(ALL, url), first.set).config.provider).toMatchObject({ google: { options: { baseURL: 'https://mine.example/v1beta' } } });
    expect(mergeHeldBaseUrls({}, {}, { openai: 'http://egress:3129/openai' })).toEqual({ config: {}, set: {} });
  });

  it('leaves a provider section that is not an object alone', () => {
    expect(mergeHeldBaseUrls({ provider: 'oops' }, heldBaseUrls(ALL, url), {})).toEqual({ config: { provider: 'oops' }, set: {} });
    expect(mergeHeldBaseUrls({ provider: { openai: { options: 3 } } }, { openai: 'http://egress:3129/openai' }, {}).set).toEqual({});
  });
});

describe("OpenCode's global config file", () => {
  const dirs: string[] = [];
  const home = () => {
    const dir = mkdtempSync(join(tmpdir(), 'agentgate-opencode-held-'));
    dirs.push(dir);
    return { config: join(dir, 'config'), state: join(dir, 'state') };
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const read = (dir: string) => JSON.parse(readFileSync(join(dir, 'opencode', 'opencode.json'), 'utf8'));

  it('writes the baseURL into opencode.json, bypasses HTTP_PROXY, and takes it out again for a key of the agent’s own', () => {
    const h = home();
    mkdirSync(join(h.config, 'opencode'), { recursive: true });
    writeFileSync(join(h.config, 'opencode', 'opencode.json'), '{"model":"openai/gpt-x","share":"disabled"}');
    expect(pointOpencodeAtHeldKeys(h.config, h.state, { OPENAI_API_KEY: OPENAI_HELD_KEY.placeholder, NO_PROXY: 'localhost' }, url)).toEqual({ NO_PROXY: 'localhost,egress', no_proxy: 'egress' });
    expect(read(h.config)).toEqual({ model: 'openai/gpt-x', share: 'disabled', provider: { openai: { options: { baseURL: 'http://egress:3129/openai' } } } });
    expect(pointOpencodeAtHeldKeys(h.config, h.state, { OPENAI_API_KEY: 'sk-own' }, url)).toEqual({});
    expect(read(h.config)).toEqual({ model: 'openai/gpt-x', share: 'disabled' });
  });

  it('gives Google’s placeholder in the variable its SDK reads, unless one of the user’s is set', () => {
    const h = home();
    expect(pointOpencodeAtHeldKeys(h.config, h.state, { GEMINI_API_KEY: GEMINI_HELD_KEY.placeholder }, url)).toEqual({ GOOGLE_GENERATIVE_AI_API_KEY: GEMINI_HELD_KEY.placeholder, NO_PROXY: 'egress', no_proxy: 'egress' });
    expect(pointOpencodeAtHeldKeys(h.config, h.state, { GEMINI_API_KEY: GEMINI_HELD_KEY.placeholder, GOOGLE_GENERATIVE_AI_API_KEY: 'AIza-own' }, url)).toEqual({ NO_PROXY: 'egress', no_proxy: 'egress' });
    // GOOGLE_API_KEY's placeholder alone: its own, which the /google path swaps.
    expect(pointOpencodeAtHeldKeys(h.config, h.state, { GOOGLE_API_KEY: GOOGLE_HELD_KEY.placeholder }, url)).toEqual({ GOOGLE_GENERATIVE_AI_API_KEY: GOOGLE_HELD_KEY.placeholder, NO_PROXY: 'egress', no_proxy: 'egress' });
    expect(read(h.config)).toEqual({ provider: { google: { options: { baseURL: 'http://egress:3129/google/v1beta' } } } });
  });

  it('makes the file when there is none, and leaves a file that is not JSON alone', () => {
    const h = home();
    pointOpencodeAtHeldKeys(h.config, h.state, { ANTHROPIC_API_KEY: DEFAULT_AGENT_CREDENTIALS.apiKeyPlaceholder }, url);
    expect(read(h.config)).toEqual({ provider: { anthropic: { options: { baseURL: 'http://egress:3129/v1' } } } });
    const other = home();
    mkdirSync(join(other.config, 'opencode'), { recursive: true });
    writeFileSync(join(other.config, 'opencode', 'opencode.json'), '{ // a comment\n}');
    expect(pointOpencodeAtHeldKeys(other.config, other.state, ALL, url)).toEqual({});
    expect(readFileSync(join(other.config, 'opencode', 'opencode.json'), 'utf8')).toBe('{ // a comment\n}');
    // Nothing held and nothing set before: no file is made.
    const none = home();
    expect(pointOpencodeAtHeldKeys(none.config, none.state, { OPENAI_API_KEY: 'sk-own' }, url)).toEqual({});
    expect(() => readFileSync(join(none.config, 'opencode', 'opencode.json'))).toThrow();
  });
});
