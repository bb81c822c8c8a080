import { chownSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The API key the container tests give the real claude (the mock API accepts any). */
export const CLAUDE_TEST_KEY = 'sk-ant-mock-key-0123456789';

/**
 * A state dir (owned by uid 1000) as it is after a person did Claude's first-run steps once in the session
 * (theme, approving the key, trusting /workspace): the steps themselves need a person at the terminal.
 * The caller removes it.
 */
export function preparedClaudeState(settings: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentgate-state-'));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify(settings));
  writeFileSync(
    join(dir, '.claude.json'),
    JSON.stringify({
      hasCompletedOnboarding: true,
      theme: 'dark',
      customApiKeyResponses: { approved: [CLAUDE_TEST_KEY.slice(-20)], rejected: [] },
      projects: { '/workspace': { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
    }),
  );
  for (const path of [dir, join(dir, 'settings.json'), join(dir, '.claude.json')]) chownSync(path, 1000, 1000);
  return dir;
}
