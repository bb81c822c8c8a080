/** A git host's token, as the proxy holds it: attached as `Authorization: Basic` (username, token as password). */
export interface GitToken {
  username: string;
  token: string;
}

/** The variables' prefix: `AGENTGATE_GIT_TOKEN_GITHUB_COM` holds github.com's token. */
export const GIT_TOKEN_PREFIX = 'AGENTGATE_GIT_TOKEN_';
/** The username sent with a token: GitHub's for tokens; GitLab takes any; Bitbucket wants `x-token-auth` (use the file). */
export const DEFAULT_GIT_USERNAME = 'x-access-token';

const HOST = /^(?=.{1,253}(:|$))[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*(:\d{1,5})?$/;

/**
 * The host a variable's suffix names, or null. Environment names hold only letters, digits and `_`, so: `_` is
 * a `.`, `__` a `-`, and `___` before a final run of digits the `:` of a port (no valid host name has `.-` or
 * `-.`, so none of them is ambiguous). `GITHUB_COM` is github.com, `MY__GIT_EXAMPLE_ORG` my-git.example.org,
 * `GIT_EXAMPLE_ORG___8443` git.example.org:8443.
 */
export function hostOfVariable(suffix: string): string | null {
  const port = /___(\d{1,5})$/.exec(suffix);
  const name = (port ? suffix.slice(0, port.index) : suffix).toLowerCase().replace(/__/g, '-').replace(/_/g, '.');
  const host = port ? `${name}:${port[1]}` : name;
  return HOST.test(host) ? host : null;
}

/**
 * Every token the proxy holds, pure: from `AGENTGATE_GIT_TOKEN_<HOST>` variables and the lines of a file
 * (`host[:port] token [username]`, `#` comments). A file's line wins over a variable for the same host. Problems
 * name the variable or the line, never a token.
 */
export function parseGitTokens(env: Readonly<Record<string, string | undefined>>, fileText: string | null, username: string): { tokens: Map<string, GitToken>; problems: string[] } {
  const tokens = new Map<string, GitToken>();
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(GIT_TOKEN_PREFIX) || !value) continue;
    const host = hostOfVariable(name.slice(GIT_TOKEN_PREFIX.length));
    if (host === null) problems.push(`${name}: the name does not encode a host (\`_\` for ".", \`__\` for "-", \`___<port>\` at the end)`);
    else tokens.set(host, { username, token: value.trim() });
  }
  (fileText ?? '').split('\n').forEach((raw, index) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const [host, token, user, ...rest] = line.split(/\s+/) as [string, string | undefined, string | undefined];
    if (!token || rest.length > 0 || !HOST.test(host.toLowerCase())) problems.push(`line ${index + 1}: expected "host[:port] token [username]"`);
    else tokens.set(host.toLowerCase(), { username: user ?? username, token });
  });
  return { tokens, problems };
}
