import type { WebhookPayload } from '../../contract/events.js';

export type WebhookFormat = 'json' | 'ntfy' | 'slack';

/** What goes on the wire: the body and the headers that say what it is. */
export interface WebhookMessage {
  body: string;
  headers: Record<string, string>;
}

const NTFY: Record<WebhookPayload['event'], { tags: string; priority: string }> = {
  'decision pending': { tags: 'question', priority: '4' },
  'egress ask pending': { tags: 'globe_with_meridians', priority: '4' },
  'agent needs permission': { tags: 'lock', priority: '4' },
  'agent waiting for input': { tags: 'hourglass', priority: '3' },
  'crash loop': { tags: 'rotating_light', priority: '4' },
};

/**
 * The webhook's body in the receiver's form, every string of the payload scrubbed first: `json` (the payload
 * itself), `ntfy` (the text as the body, Title, Tags, Priority and the action links as Actions headers) or
 * `slack` (an incoming webhook's `{text, blocks}`, the links as url buttons). Pure.
 */
export function renderWebhook(format: WebhookFormat, payload: WebhookPayload, scrub: (text: string) => string): WebhookMessage {
  const p = scrubStrings(payload, scrub);
  if (format === 'json') return { body: scrub(JSON.stringify(p)), headers: { 'content-type': 'application/json' } };
  const where = `${p.session} in ${p.container}`;
  if (format === 'ntfy') {
    const style = NTFY[p.event] ?? { tags: 'robot', priority: '3' };
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=utf-8',
      title: headerText(`${where}: ${title(p)}`),
      tags: `${style.tags},agentgate`,
      priority: style.priority,
    };
    // ntfy's http actions POST the link from the phone: one tap answers. `clear` takes the notification away.
    if (p.links) headers.actions = `http, Approve, ${p.links.allow}, method=POST, clear=true; http, Deny, ${p.links.deny}, method=POST, clear=true`;
    return { body: text(p), headers };
  }
  const blocks: unknown[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${slackText(title(p))}*\n${slackText(text(p))}` } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: slackText(where) }] },
  ];
  // Url buttons open the link's confirm page in the browser: Slack's own fetch of a link never answers.
  if (p.links) {
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Approve' }, url: p.links.allow, style: 'primary', action_id: 'agentgate-approve' },
        { type: 'button', text: { type: 'plain_text', text: 'Deny' }, url: p.links.deny, style: 'danger', action_id: 'agentgate-deny' },
      ],
    });
  }
  return { body: scrub(JSON.stringify({ text: `${title(p)} (${where}): ${text(p)}`, blocks })), headers: { 'content-type': 'application/json' } };
}

/** The one-line headline: what happened. */
function title(p: WebhookPayload): string {
  if (p.event === 'decision pending') return `Allow ${String(p.tool)}?`;
  if (p.event === 'egress ask pending') return `Allow ${String(p.host)}:${String(p.port)}?`;
  return p.event;
}

/** The detail under the headline. */
function text(p: WebhookPayload): string {
  if (p.event === 'decision pending') {
    const until = typeof p.expiresAtMs === 'number' ? `, until ${new Date(p.expiresAtMs).toISOString()}` : '';
    return `${String(p.tool)}: ${String(p.summary ?? '')} (decision ${String(p.id)}${until})`;
  }
  if (p.event === 'egress ask pending') {
    // No links: the agent's supervisor cannot answer an egress ask; the proxy does, with the answer token.
    return `${String(p.method)} ${String(p.host)}:${String(p.port)}${String(p.path ?? '')} waits in the egress proxy (ask ${String(p.id)}): agentgate approve|deny NAME ${String(p.id)} on the host, or the board`;
  }
  if (p.event === 'crash loop') return `${String(p.restartsSinceStableRun)} restarts since the last stable run; last exit: ${String(p.cause ?? 'unknown')}`;
  return `agent state ${String(p.state)} (was ${String(p.previous)})`;
}

/** A header value: printable ASCII only (Node refuses the rest), at most 200 characters. */
function headerText(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

/** Slack's mrkdwn takes &, < and > as markup: escaped as its docs say. */
function slackText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The payload with every string in it scrubbed (a secret must not reach any format, nor a header). */
function scrubStrings<T>(value: T, scrub: (text: string) => string): T {
  if (typeof value === 'string') return scrub(value) as T;
  if (Array.isArray(value)) return value.map((v) => scrubStrings(v, scrub)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubStrings(v, scrub)])) as T;
  return value;
}
