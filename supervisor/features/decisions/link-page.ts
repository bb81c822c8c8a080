import type { PendingDecision } from '../../contract/events.js';

/** The page's headers: never cached, never indexed, no referrer (the URL is the credential), nothing loaded. */
export const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
} as const;

const STYLE = 'body{font:16px/1.4 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}pre{white-space:pre-wrap;background:#eee;padding:.5rem}button{font-size:1.2rem;padding:.5rem 2rem}textarea{width:100%}';

/** Text for HTML: every character that could open markup is escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style><body>${body}</body></html>\n`;
}

/**
 * What a GET on an action link shows: the request and one button that POSTs the answer. A GET never answers,
 * so link previewers (Slack's unfurler, a mail scanner) that fetch the link change nothing.
 */
export function confirmPage(decision: PendingDecision, behavior: 'allow' | 'deny', where: { container: string; session: string }): string {
  const verb = behavior === 'allow' ? 'Allow' : 'Deny';
  const message =
    behavior === 'deny' ? '<p><label>Message to the agent (optional)<br><textarea name="message" rows="3" maxlength="2000"></textarea></label></p>' : '';
  return page(
    `${verb} ${decision.tool}?`,
    `<h1>${verb} ${escapeHtml(decision.tool)}?</h1><p>${escapeHtml(where.container)} · session ${escapeHtml(where.session)}</p>` +
      `<pre>${escapeHtml(decision.summary)}</pre><form method="post">${message}<button type="submit">${verb}</button></form>` +
      `<p>This link works once, until ${new Date(decision.expiresAtMs).toISOString()}.</p>`,
  );
}

/** The page after an answer, or a refusal: one sentence. */
export function resultPage(title: string, sentence: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(sentence)}</p>`);
}
