import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Where action links are served on the health server: `/link/ID/allow?x=EXPIRES_MS&s=SIGNATURE`. */
export const LINK_PREFIX = '/link/';

/** What a link, once its signature checks, says: answer this decision so, until then. */
export interface LinkClaim {
  id: string;
  behavior: 'allow' | 'deny';
  expiresAtMs: number;
}

const LINK_PATH = /^\/link\/([0-9a-f]{1,32})\/(allow|deny)$/;

/**
 * The approve and deny links of a pending decision, sent in the webhook. Each is signed with HMAC-SHA256 under
 * a key made at random when the supervisor starts and kept in its memory only (never in a file, the
 * environment or a log line), so the agent, which can read all of those, cannot make one. The signature covers
 * the decision's id, the answer and the decision's expiry; the decision book makes a link single-use (the first
 * answer closes the decision), and a new supervisor's key refuses every older link.
 */
export class ActionLinks {
  constructor(
    /** AGENTGATE_PUBLIC_URL without its trailing slash. */
    private readonly baseUrl: string,
    private readonly key: Buffer = randomBytes(32),
  ) {}

  linksFor(decision: { id: string; expiresAtMs: number }): { allow: string; deny: string } {
    return { allow: this.url({ ...decision, behavior: 'allow' }), deny: this.url({ ...decision, behavior: 'deny' }) };
  }

  url(claim: LinkClaim): string {
    return `${this.baseUrl}${LINK_PREFIX}${claim.id}/${claim.behavior}?x=${claim.expiresAtMs}&s=${this.sign(claim)}`;
  }

  /** The claim of a link's path and query when we signed it; else what is wrong with it (for a 403). */
  verify(path: string, query: string): LinkClaim | string {
    const match = LINK_PATH.exec(path);
    if (!match) return `not an action link: ${path.slice(0, 80)}`;
    const params = new URLSearchParams(query);
    const expires = params.get('x') ?? '';
    const given = params.get('s') ?? '';
    if (!/^[0-9]{1,15}$/.test(expires)) return 'the link has no expiry (x=): it was cut or changed';
    const claim: LinkClaim = { id: match[1] as string, behavior: match[2] as LinkClaim['behavior'], expiresAtMs: Number(expires) };
    const expected = Buffer.from(this.sign(claim));
    const actual = Buffer.from(given);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
      return 'the link is not signed by this supervisor: it was changed, forged, or made before the supervisor restarted';
    }
    return claim;
  }

  private sign(claim: LinkClaim): string {
    return createHmac('sha256', this.key).update(`agentgate action link\n${claim.id}\n${claim.behavior}\n${claim.expiresAtMs}`).digest('base64url');
  }
}
