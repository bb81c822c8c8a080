import { describe, expect, it } from 'vitest';
import { ActionLinks } from '../../supervisor/features/decisions/action-links.js';
import { confirmPage, escapeHtml } from '../../supervisor/features/decisions/link-page.js';

const KEY = Buffer.alloc(32, 7);
const decision = { id: 'a1b2c3', expiresAtMs: 1_800_000_000_000 };

/** The path and query of a link, as the health server hands them to the route. */
function parts(url: string): [string, string] {
  const u = new URL(url);
  return [u.pathname.replace(/^\/base/, ''), u.search.slice(1)];
}

describe('action links', () => {
  const links = new ActionLinks('https://agents.example/base', KEY);

  it('signs a link for each answer under the public URL, and takes back its own', () => {
    const { allow, deny } = links.linksFor(decision);
    expect(allow).toMatch(/^https:\/\/agents\.example\/base\/link\/a1b2c3\/allow\?x=1800000000000&s=[A-Za-z0-9_-]{43}$/);
    expect(deny).toMatch(/\/link\/a1b2c3\/deny\?/);
    expect(links.verify(...parts(allow))).toEqual({ id: 'a1b2c3', behavior: 'allow', expiresAtMs: 1_800_000_000_000 });
    expect(links.verify(...parts(deny))).toMatchObject({ behavior: 'deny' });
  });

  it('refuses a link whose answer, id, expiry or signature was changed, or that another key signed', () => {
    const [path, query] = parts(links.linksFor(decision).allow);
    const forged = [
      [path.replace('allow', 'deny'), query],
      [path.replace('a1b2c3', 'a1b2c4'), query],
      [path, query.replace('x=1800000000000', 'x=1900000000000')],
      [path, query.replace(/s=./, 's=A')],
      [path, query.replace(/&s=.*/, '')],
      [path, query.replace(/x=\d+&/, '')],
      ...[parts(new ActionLinks('https://agents.example/base', Buffer.alloc(32, 8)).linksFor(decision).allow)],
    ] as Array<[string, string]>;
    for (const [p, q] of forged) expect(typeof links.verify(p, q), `${p}?${q}`).toBe('string');
    expect(links.verify('/link/a1b2c3/maybe', query)).toMatch(/not an action link/);
  });

  it('makes a new random key per supervisor: links of one are refused by the next', () => {
    const first = new ActionLinks('http://x');
    const second = new ActionLinks('http://x');
    expect(typeof second.verify(...parts(first.linksFor(decision).allow))).toBe('string');
  });

  it("escapes the request on the confirm page, whose form POSTs and never answers on GET", () => {
    expect(escapeHtml(`<script>"x"&'y'</script>`)).toBe('&#60;script&#62;&#34;x&#34;&#38;&#39;y&#39;&#60;/script&#62;');
    const page = confirmPage({ id: 'a1b2c3', tool: 'Bash', summary: 'rm -rf <b>/</b>', askedAtMs: 0, expiresAtMs: decision.expiresAtMs }, 'deny', { container: 'c1', session: 'agent' });
    expect(page).toContain('<form method="post">');
    expect(page).toContain('rm -rf &#60;b&#62;/&#60;/b&#62;');
    expect(page).toContain('name="message"');
  });
});
