import type { ServerResponse } from 'node:http';
import type { ClosedDecision, PendingDecision } from '../../contract/events.js';
import type { HttpRoute } from '../../health/health-server.js';
import { type ActionLinks, LINK_PREFIX } from './action-links.js';
import { parseAnswer, readBody } from './answer-route.js';
import { type Answer, type AnswerResult, describeClose } from './decision-book.js';
import { PAGE_HEADERS, confirmPage, resultPage } from './link-page.js';

/** The channel a link's answer is logged and published under. */
export const LINK_CHANNEL = 'webhook link';
/** A form with a message of at most 2000 characters, percent-encoded. */
const FORM_MAX_BYTES = 16 * 1024;

/**
 * `GET /link/ID/allow|deny?x=..&s=..` shows a confirm page; `POST` on the same URL answers (a person's tap on the
 * page, or ntfy's http action). A link that is not ours is refused with 403, an expired one with 410, one for a
 * decision already closed with 409 (saying how), one for a decision no longer known with 410: none of these
 * touches any decision.
 */
export function linkRoute(options: {
  links: ActionLinks;
  identity: { container: string; session: string };
  lookup: (id: string) => { pending: PendingDecision } | { closed: ClosedDecision } | null;
  answer: (id: string, answer: Answer) => AnswerResult;
  onRefused: (fields: { status: number; reason: string; by: string }) => void;
  now?: () => number;
}): HttpRoute {
  const now = options.now ?? Date.now;
  return {
    prefix: LINK_PREFIX,
    handle: (req, path, _send, res) => {
      const reply = (status: number, html: string) => {
        res.writeHead(status, PAGE_HEADERS);
        res.end(req.method === 'HEAD' ? undefined : html);
      };
      const refuse = (status: number, reason: string) => {
        options.onRefused({ status, reason, by: LINK_CHANNEL });
        req.resume();
        reply(status, resultPage('Not answered', reason));
      };
      const query = (req.url ?? '').split('?')[1] ?? '';
      const claim = options.links.verify(path, query);
      if (typeof claim === 'string') return refuse(403, claim);
      const reading = req.method === 'GET' || req.method === 'HEAD';
      if (!reading && req.method !== 'POST') return refuse(405, 'GET shows the question, POST answers it');
      if (now() >= claim.expiresAtMs) return refuse(410, `this link expired at ${new Date(claim.expiresAtMs).toISOString()}: the terminal's dialog decides`);
      const found = options.lookup(claim.id);
      if (!found) return refuse(410, `decision ${claim.id} is no longer known: it closed long ago`);
      if ('closed' in found) return refuse(409, `decision ${claim.id} already closed: ${describeClose(found.closed)}`);
      // Same id, another expiry: a link for an earlier decision that had this id.
      if (found.pending.expiresAtMs !== claim.expiresAtMs) return refuse(410, `this link is for an earlier decision ${claim.id}`);
      if (reading) return reply(200, confirmPage(found.pending, claim.behavior, options.identity));
      void readBody(req, FORM_MAX_BYTES)
        .then((form) => {
          if (form === null) return refuse(413, `form over ${FORM_MAX_BYTES} bytes`);
          const message = new URLSearchParams(form).get('message')?.replace(/\r\n/g, '\n').trim();
          const parsed = parseAnswer(JSON.stringify({ behavior: claim.behavior, ...(message && claim.behavior === 'deny' ? { message } : {}), by: LINK_CHANNEL }));
          if (typeof parsed === 'string') return refuse(400, parsed);
          const result = options.answer(claim.id, parsed);
          if (!result.ok) return refuse(result.status === 404 ? 410 : result.status, result.error);
          const done = claim.behavior === 'allow' ? 'Allowed' : 'Denied';
          reply(200, resultPage(done, `${done}: ${found.pending.tool} ${found.pending.summary}`));
        })
        .catch(() => failed(res));
    },
  };
}

function failed(res: ServerResponse): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(500, PAGE_HEADERS);
  res.end(resultPage('Not answered', 'the answer could not be read'));
}
