import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pointCodexAtHeldKey } from '../../supervisor/agents/codex/held-key.js';
import { pointGeminiAtHeldKey } from '../../supervisor/agents/gemini/held-key.js';
import { GEMINI_HELD_KEY, OPENAI_HELD_KEY } from '../../supervisor/agents/held-api-keys.js';

const url = new URL('http://egress:3129');
const dirs: string[] = [];
const home = () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentgate-held-key-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('Codex with the key held by the egress proxy', () => {
  it('sets openai_base_url on a marked top line, keeps the rest, writes the placeholder login, and bypasses HTTP_PROXY', () => {
    const dir = home();
    writeFileSync(join(dir, 'config.toml'), 'model = "gpt-x"\n[projects."/workspace"]\ntrust_level = "trusted"\n');
    const env = pointCodexAtHeldKey(dir, { OPENAI_API_KEY: OPENAI_HELD_KEY.placeholder, NO_PROXY: 'localhost' }, url);
    expect(env).toEqual({ NO_PROXY: 'localhost,egress', no_proxy: 'egress' });
    const config = readFileSync(join(dir, 'config.toml'), 'utf8');
    expect(config.split('\n')[0]).toMatch(/^openai_base_url = "http:\/\/egress:3129\/openai" # agentgate:/);
    expect(config).toContain('model = "gpt-x"\n[projects."/workspace"]');
    expect(JSON.parse(readFileSync(join(dir, 'auth.json'), 'utf8'))).toEqual({ auth_mode: 'apikey', OPENAI_API_KEY: OPENAI_HELD_KEY.placeholder });
    // Again: one line, not two.
    pointCodexAtHeldKey(dir, { OPENAI_API_KEY: OPENAI_HELD_KEY.placeholder }, url);
    expect(readFileSync(join(dir, 'config.toml'), 'utf8')).toBe(config);
  });

  it('removes its line for a key of the agent’s own, and keeps a login and a base URL of the user’s own', () => {
    const dir = home();
    pointCodexAtHeldKey(dir, { OPENAI_API_KEY: OPENAI_HELD_KEY.placeholder }, url);
    expect(pointCodexAtHeldKey(dir, { OPENAI_API_KEY: 'sk-own' }, url)).toEqual({});
    expect(readFileSync(join(dir, 'config.toml'), 'utf8')).toBe('');
    const other = home();
    writeFileSync(join(other, 'config.toml'), 'openai_base_url = "https://mine.example/v1"\n');
    writeFileSync(join(other, 'auth.json'), '{"auth_mode":"chatgpt"}');
    pointCodexAtHeldKey(other, { OPENAI_API_KEY: OPENAI_HELD_KEY.placeholder }, url);
    expect(readFileSync(join(other, 'config.toml'), 'utf8')).toBe('openai_base_url = "https://mine.example/v1"\n');
    expect(readFileSync(join(other, 'auth.json'), 'utf8')).toBe('{"auth_mode":"chatgpt"}');
  });
});

describe('Gemini CLI with the key held by the egress proxy', () => {
  it('points GOOGLE_GEMINI_BASE_URL at the endpoint and chooses the API key login when none is chosen', () => {
    const dir = home();
    mkdirSync(join(dir, '.gemini'));
    writeFileSync(join(dir, '.gemini', 'settings.json'), '{"ui":{"theme":"x"}}');
    expect(pointGeminiAtHeldKey(dir, { GEMINI_API_KEY: GEMINI_HELD_KEY.placeholder }, url)).toEqual({ GOOGLE_GEMINI_BASE_URL: 'http://egress:3129/gemini', NO_PROXY: 'egress', no_proxy: 'egress' });
    expect(JSON.parse(readFileSync(join(dir, '.gemini', 'settings.json'), 'utf8'))).toEqual({ ui: { theme: 'x' }, security: { auth: { selectedType: 'gemini-api-key' } } });
  });

  it('changes nothing for a key of its own, without an endpoint, or when a login was chosen', () => {
    expect(pointGeminiAtHeldKey(home(), { GEMINI_API_KEY: 'AIza-own' }, url)).toEqual({});
    expect(pointGeminiAtHeldKey(home(), { GEMINI_API_KEY: GEMINI_HELD_KEY.placeholder }, null)).toEqual({});
    const dir = home();
    mkdirSync(join(dir, '.gemini'));
    writeFileSync(join(dir, '.gemini', 'settings.json'), '{"security":{"auth":{"selectedType":"oauth-personal"}}}');
    pointGeminiAtHeldKey(dir, { GEMINI_API_KEY: GEMINI_HELD_KEY.placeholder }, url);
    expect(readFileSync(join(dir, '.gemini', 'settings.json'), 'utf8')).toBe('{"security":{"auth":{"selectedType":"oauth-personal"}}}');
  });
});
