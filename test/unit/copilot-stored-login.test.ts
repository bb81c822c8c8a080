import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copilotStoredLogin } from '../../supervisor/agents/copilot/stored-login.js';

const root = mkdtempSync(join(tmpdir(), 'agentgate-copilot-login-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A COPILOT_HOME whose config.json holds `text`. */
function home(text: string): string {
  const dir = join(root, String(++n));
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), text);
  return dir;
}

const HOST = 'http://127.0.0.1:18931';
const TOKEN = { token: 'gho_not_a_real_token' };
// What `copilot login --with-token` (the pinned version, storeTokenPlaintext) wrote, comment lines and all.
const WRITTEN = `// User settings belong in settings.json.
// This file is managed automatically.
${JSON.stringify(
  {
    authTokens: { [`${HOST}:mock-user:github`]: TOKEN, [`${HOST}:mock-user`]: TOKEN },
    loggedInUsers: [{ host: HOST, login: 'mock-user', kind: 'proxima' }],
    lastLoggedInUser: { host: HOST, login: 'mock-user' },
  },
  null,
  2,
)}`;
const config = (fields: Record<string, unknown>) => home(JSON.stringify(fields));
const users = [{ host: HOST, login: 'mock-user' }];

// Each case is one the real CLI was started on: "logged in" where it used the token, else "Please use /login".
describe("Copilot CLI's stored login, read by the CLI's own rule", () => {
  it('is present as the CLI wrote it, under either of its two keys', () => {
    expect(copilotStoredLogin(home(WRITTEN))).toBe(true);
    expect(copilotStoredLogin(config({ authTokens: { [`${HOST}:mock-user`]: TOKEN }, lastLoggedInUser: users[0] }))).toBe(true);
    expect(copilotStoredLogin(config({ authTokens: { [`${HOST}:mock-user:github`]: TOKEN }, loggedInUsers: users }))).toBe(true);
  });

  it('is absent with no file, no user or no token', () => {
    expect(copilotStoredLogin(join(root, 'no-such-home'))).toBe(false);
    expect(copilotStoredLogin(config({ trustedFolders: ['/workspace'] }))).toBe(false);
    expect(copilotStoredLogin(config({ loggedInUsers: users, lastLoggedInUser: users[0] }))).toBe(false);
    expect(copilotStoredLogin(config({ authTokens: { [`${HOST}:mock-user`]: TOKEN } }))).toBe(false);
    expect(copilotStoredLogin(config({ authTokens: { [`${HOST}:mock-user`]: { token: '' } }, loggedInUsers: users }))).toBe(false);
    // An older name of the key is not read by this version.
    expect(copilotStoredLogin(config({ copilotTokens: { [`${HOST}:mock-user`]: TOKEN }, loggedInUsers: users }))).toBe(false);
  });

  it("is absent when the user it would take has no token, though another user's is there", () => {
    const tokens = { [`${HOST}:mock-user`]: TOKEN };
    expect(copilotStoredLogin(config({ authTokens: tokens, loggedInUsers: users, lastLoggedInUser: { host: HOST, login: 'other' } }))).toBe(false);
    expect(copilotStoredLogin(config({ authTokens: tokens, loggedInUsers: [{ host: HOST, login: 'other' }, ...users] }))).toBe(false);
    expect(copilotStoredLogin(config({ authTokens: tokens, loggedInUsers: users, lastLoggedInUser: { host: 'https://github.com', login: 'mock-user' } }))).toBe(false);
    expect(copilotStoredLogin(config({ authTokens: tokens, lastLoggedInUser: { host: `${HOST}/`, login: 'mock-user' } }))).toBe(false);
  });

  it('is absent, without a throw, in a malformed or hostile file', () => {
    expect(copilotStoredLogin(home('{"authTokens": {'))).toBe(false);
    expect(copilotStoredLogin(home('null'))).toBe(false);
    expect(copilotStoredLogin(home('[1, 2]'))).toBe(false);
    expect(copilotStoredLogin(config({ authTokens: { [`${HOST}:mock-user`]: 'gho_x' }, loggedInUsers: users }))).toBe(false);
    expect(copilotStoredLogin(config({ authTokens: [TOKEN], loggedInUsers: users }))).toBe(false);
    expect(copilotStoredLogin(config({ authTokens: { [`${HOST}:mock-user`]: TOKEN }, lastLoggedInUser: 'mock-user', loggedInUsers: users }))).toBe(false);
    expect(copilotStoredLogin(config({ authTokens: { 'undefined:undefined': TOKEN }, lastLoggedInUser: {} }))).toBe(false);
    expect(copilotStoredLogin(home(`{"authTokens": {"__proto__": {"token": "x"}}, "lastLoggedInUser": {"host": "__proto__", "login": ""}}`))).toBe(false);
    expect(copilotStoredLogin(home(`${' '.repeat(2 * 1024 * 1024)}${JSON.stringify({ authTokens: { [`${HOST}:mock-user`]: TOKEN }, loggedInUsers: users })}`))).toBe(false);
    const dir = join(root, 'dir-in-its-place');
    mkdirSync(join(dir, 'config.json'), { recursive: true });
    expect(copilotStoredLogin(dir)).toBe(false);
    // A FIFO in its place is not read: the health report that asks must not hang on it.
    const fifo = join(root, 'fifo-in-its-place');
    mkdirSync(fifo);
    execFileSync('mkfifo', [join(fifo, 'config.json')]);
    expect(copilotStoredLogin(fifo)).toBe(false);
  });
});
