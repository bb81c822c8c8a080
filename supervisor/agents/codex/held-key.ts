import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPENAI_HELD_KEY, bypassProxyFor, heldKeyBaseUrl } from '../held-api-keys.js';
import { nonEmptyFile } from '../state-files.js';

/** The mark on the config.toml line the supervisor owns: rewritten at every start, removed when not wanted. */
const MARK = '# agentgate: the egress proxy holds OPENAI_API_KEY';

/**
 * With the egress proxy holding OPENAI_API_KEY (the agent holds its placeholder), Codex's API requests go to the
 * proxy's credential endpoint. Codex 0.171 ignores OPENAI_BASE_URL; its `openai_base_url` setting (top level of
 * config.toml) is the documented way, so a marked line at the top of the file sets it (a line of the user's own
 * wins). Its interactive screen asks for a sign-in unless auth.json holds a key: with none there, the placeholder
 * is written as `codex login --with-api-key` would. Without a placeholder the marked line goes, nothing else changes.
 */
export function pointCodexAtHeldKey(codexHome: string, env: Readonly<Record<string, string | undefined>>, credentialUrl: URL | null): Record<string, string> {
  const baseUrl = heldKeyBaseUrl(OPENAI_HELD_KEY, credentialUrl, env);
  const configPath = join(codexHome, 'config.toml');
  let text = '';
  try {
    text = readFileSync(configPath, 'utf8');
  } catch {
    // no config yet
  }
  const kept = text.split('\n').filter((line) => !line.endsWith(MARK));
  const own = kept.some((line) => /^\s*openai_base_url\s*=/.test(line));
  const next = [...(baseUrl && !own ? [`openai_base_url = ${JSON.stringify(baseUrl)} ${MARK}`] : []), ...kept].join('\n');
  if (next !== text) writeFileSync(configPath, next, { mode: 0o600 });
  if (!baseUrl || credentialUrl === null) return {};
  const authPath = join(codexHome, 'auth.json');
  if (!nonEmptyFile(authPath)) writeFileSync(authPath, `${JSON.stringify({ auth_mode: 'apikey', OPENAI_API_KEY: OPENAI_HELD_KEY.placeholder }, null, 2)}\n`, { mode: 0o600 });
  return bypassProxyFor(credentialUrl, env);
}
