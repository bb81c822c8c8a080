import { chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContainers } from './containers.js';

/**
 * A state dir whose OpenCode config (XDG_CONFIG_HOME, in the state volume) points it at a mock Chat Completions API:
 * a provider of its own through `@ai-sdk/openai-compatible` and its documented `provider.<id>.options.baseURL`.
 * `askBash`: its model calls tools, and bash asks first (the config's permission).
 */
export function opencodeState(made: TestContainers, mockPort: number, options: { askBash?: boolean } = {}): string {
  const state = mkdtempSync(join(tmpdir(), 'agentgate-opencode-state-'));
  made.track(state);
  const dir = join(state, 'opencode', 'config', 'opencode');
  mkdirSync(dir, { recursive: true });
  const model = { name: 'Mock model', ...(options.askBash ? { tool_call: true } : {}) };
  const provider = { npm: '@ai-sdk/openai-compatible', name: 'Mock', options: { baseURL: `http://127.0.0.1:${mockPort}/v1`, apiKey: 'mock-key-not-secret' }, models: { 'mock-model': model } };
  const config = { autoupdate: false, share: 'disabled', model: 'mock/mock-model', provider: { mock: provider }, ...(options.askBash ? { permission: { bash: 'ask' } } : {}) };
  writeFileSync(join(dir, 'opencode.json'), JSON.stringify(config));
  for (const path of [state, join(state, 'opencode'), join(state, 'opencode', 'config'), dir, join(dir, 'opencode.json')]) chownSync(path, 1000, 1000);
  return state;
}
