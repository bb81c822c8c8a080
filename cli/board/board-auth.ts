import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const BOARD_COOKIE = 'agentgate-board';

/**
 * The board's one secret, as Jupyter's: an unguessable token in the URL it prints. The first visit trades it
 * for a cookie (HttpOnly, SameSite=Strict) so that it leaves the address bar; scripts may send it as
 * `authorization: Bearer`. Pages of other sites cannot use the cookie (SameSite) and a POST must come from the
 * board's own origin; on loopback the Host must be loopback too, so a DNS-rebound name reaches nothing.
 */
export class BoardAuth {
  readonly token = randomBytes(24).toString('base64url');

  constructor(private readonly loopbackOnly: boolean) {}

  /** Why the request is refused (401/403 with words), or null when it may go on. */
  refusal(req: IncomingMessage): { status: number; error: string } | null {
    const host = String(req.headers.host ?? '');
    if (this.loopbackOnly && !/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host)) {
      return { status: 403, error: `host ${JSON.stringify(host)} is not this board's: it listens on loopback (use --host to publish it)` };
    }
    const bearer = /^Bearer (\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const fromCookie = this.cookie(req);
    if (!this.matches(bearer) && !this.matches(fromCookie)) {
      return { status: 401, error: 'no or wrong board token: open the URL agentgate board printed (it carries ?token=...)' };
    }
    if (req.method === 'POST' && !this.matches(bearer)) {
      const origin = req.headers.origin;
      if (origin !== `http://${host}`) return { status: 403, error: `a POST from origin ${JSON.stringify(origin ?? null)}: only the board's own page may act` };
    }
    return null;
  }

  /** The `?token=` of the URL it printed, when it is the right one. */
  tokenInQuery(query: URLSearchParams): boolean {
    return this.matches(query.get('token') ?? undefined);
  }

  setCookie(): string {
    return `${BOARD_COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }

  private cookie(req: IncomingMessage): string | undefined {
    for (const part of String(req.headers.cookie ?? '').split(';')) {
      const [key, ...value] = part.trim().split('=');
      if (key === BOARD_COOKIE) return value.join('=');
    }
    return undefined;
  }

  private matches(given: string | undefined): boolean {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}
