import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionRecord } from '../../supervisor/agents/claude/session-record.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const stateDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'session-record-'));
  dirs.push(dir);
  return dir;
};
const UUID = '0b6e2f4a-3c1d-4e5f-8a9b-0c1d2e3f4a5b';

describe('SessionRecord', () => {
  it('keeps a session id of Claude\'s own form (a UUID) and reads it back', () => {
    const record = new SessionRecord(stateDir());
    expect(record.write(UUID)).toBe(true);
    expect(record.read()).toBe(UUID);
  });

  it('refuses anything else, options first, and keeps the id it had', () => {
    const dir = stateDir();
    const record = new SessionRecord(dir);
    record.write(UUID);
    for (const bad of ['--version', '-r', 'sess-42', `${UUID}\n--version`, ` ${UUID}`, 'x'.repeat(10_000), 42, null, undefined, {}]) {
      expect(record.write(bad)).toBe(false);
    }
    expect(readFileSync(join(dir, '.agentgate-session'), 'utf8')).toBe(`${UUID}\n`);
  });

  it('ignores a bad id already on disk (written by an older supervisor)', () => {
    const dir = stateDir();
    writeFileSync(join(dir, '.agentgate-session'), '--version\n');
    expect(new SessionRecord(dir).read()).toBeNull();
  });
});
