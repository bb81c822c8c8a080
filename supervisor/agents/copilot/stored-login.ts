import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';

/** Far above any real login file; a bigger one is not read whole (it cannot be Copilot's own). */
const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Whether COPILOT_HOME/config.json holds a login the pinned Copilot CLI (COPILOT_VERSION) itself would use at start, with no keychain
 * (the container has none: `/login` then stores its token in this file, after asking). The rule is the CLI's
 * own, observed on the real binary (its login code is native, in prebuilds/linux-x64/runtime.node):
 * `copilot login --with-token` with `storeTokenPlaintext` wrote
 *   { "authTokens": { "<host>:<login>:github": { "token": ... }, "<host>:<login>": { "token": ... } },
 *     "loggedInUsers": [{ "host", "login", "kind" }], "lastLoggedInUser": { "host", "login" } }
 * under two `//` comment lines. At start it takes `lastLoggedInUser` (else the first of `loggedInUsers`) and
 * uses the token under either key, matched exactly; anything else (another user's token, an empty or non-object
 * token, a malformed file, which it ignores and rewrites) and it says "Please use /login".
 */
export function copilotStoredLogin(home: string): boolean {
  const text = readSmallFile(join(home, 'config.json'));
  if (text === null) return false;
  let config: unknown;
  try {
    // The CLI writes `//` comment lines above the JSON; a `//` inside a value (a host URL) is not at a line's start.
    config = JSON.parse(text.replace(/^\s*\/\/.*$/gm, ''));
  } catch {
    return false;
  }
  if (!isRecord(config)) return false;
  const user = Object.hasOwn(config, 'lastLoggedInUser') ? config.lastLoggedInUser : Array.isArray(config.loggedInUsers) ? config.loggedInUsers[0] : undefined;
  if (!isRecord(user) || typeof user.host !== 'string' || typeof user.login !== 'string') return false;
  const tokens = config.authTokens;
  if (!isRecord(tokens)) return false;
  return [`${user.host}:${user.login}`, `${user.host}:${user.login}:github`].some((key) => {
    const entry = Object.hasOwn(tokens, key) ? tokens[key] : undefined;
    return isRecord(entry) && typeof entry.token === 'string' && entry.token !== '';
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The file's text, or null when it is absent, not a regular file or too big. Opened non-blocking and checked
 * before reading: a FIFO put in its place must not hang the health report that calls this.
 */
function readSmallFile(path: string): string | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch {
    return null;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile() || stat.size > MAX_CONFIG_BYTES) return null;
    const buffer = Buffer.alloc(stat.size);
    const read = readSync(fd, buffer, 0, stat.size, 0);
    return buffer.subarray(0, read).toString('utf8');
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}
