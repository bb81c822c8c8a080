import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GEMINI_HELD_KEY, bypassProxyFor, heldKeyBaseUrl } from '../held-api-keys.js';

/**
 * With the egress proxy holding GEMINI_API_KEY (the agent holds its placeholder), Gemini CLI's API requests go to
 * the proxy's credential endpoint through its documented GOOGLE_GEMINI_BASE_URL. Its first start asks how it
 * authenticates (no answer skips that dialog, and nobody may be there): with the placeholder and no method chosen
 * yet, "Use Gemini API Key" is recorded in its settings.json, the rest of the file kept. Nothing otherwise.
 */
export function pointGeminiAtHeldKey(geminiHome: string, env: Readonly<Record<string, string | undefined>>, credentialUrl: URL | null): Record<string, string> {
  const baseUrl = heldKeyBaseUrl(GEMINI_HELD_KEY, credentialUrl, env);
  if (!baseUrl || credentialUrl === null) return {};
  chooseApiKeyAuth(join(geminiHome, '.gemini'));
  return { GOOGLE_GEMINI_BASE_URL: baseUrl, ...bypassProxyFor(credentialUrl, env) };
}

function chooseApiKeyAuth(dir: string): void {
  const path = join(dir, 'settings.json');
  let settings: Record<string, any> = {};
  try {
    settings = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    // A file that is there but not JSON is the user's to fix: leave it.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return;
  }
  if (typeof settings?.security?.auth?.selectedType === 'string' && settings.security.auth.selectedType !== '') return;
  settings.security = { ...settings.security, auth: { ...settings.security?.auth, selectedType: 'gemini-api-key' } };
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
}
