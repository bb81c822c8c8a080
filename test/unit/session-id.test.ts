import { describe, expect, it } from 'vitest';
import { isSessionId } from '../../supervisor/agents/claude/session-record.js';

// A session id reported by a hook ends up after `--resume` on the agent's command line: it must never be
// taken for an option (`--resume --dangerously-skip-permissions`), whatever a hook body says.
describe('a session id put on a command line', () => {
  it('takes the ids Claude reports', () => {
    expect(isSessionId('3f2a77c0-1b2c-4d5e-8f90-123456789abc')).toBe(true);
  });

  it('refuses anything that could be an option, or is not a plain word', () => {
    for (const id of ['--dangerously-skip-permissions', '-p', '-', '', 'a b', 'a;b', '../x', 'x'.repeat(129), 42, null]) {
      expect(isSessionId(id), String(id)).toBe(false);
    }
  });
});
