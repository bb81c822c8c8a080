import { describe, expect, it } from 'vitest';
import type { WebhookPayload } from '../../supervisor/contract/events.js';
import { DroppingQueue } from '../../supervisor/features/observation/delivery-queue.js';
import { renderWebhook } from '../../supervisor/features/observation/webhook-format.js';

const scrub = (text: string) => text.split('sk-secret').join('[redacted]');
const decision: WebhookPayload = {
  event: 'decision pending',
  id: 'a1b2c3',
  tool: 'Bash',
  summary: 'curl -H sk-secret <x> & “quotes”',
  askedAtMs: 0,
  expiresAtMs: 1_800_000_000_000,
  container: 'box-1',
  session: 'agent',
  at: '2026-11-30T12:00:00.000Z',
  links: { allow: 'https://a.example/link/a1b2c3/allow?x=1&s=sig', deny: 'https://a.example/link/a1b2c3/deny?x=1&s=sig' },
};
const waiting: WebhookPayload = { event: 'agent waiting for input', state: 'waiting', previous: 'working', container: 'box-1', session: 'agent', at: 'now' };

describe('webhook formats', () => {
  it('json: the payload itself, scrubbed', () => {
    const { body, headers } = renderWebhook('json', decision, scrub);
    expect(headers['content-type']).toBe('application/json');
    expect(JSON.parse(body)).toEqual({ ...decision, summary: 'curl -H [redacted] <x> & “quotes”' });
  });

  it('an egress ask: what waits and how to answer it, with no action links (the supervisor cannot answer it)', () => {
    const ask: WebhookPayload = { event: 'egress ask pending', id: 'e1f2', host: 'pypi.org', port: 443, method: 'CONNECT', path: null, agent: null, askedAtMs: 0, expiresAtMs: 1, container: 'box-1', session: 'agent', at: 'now' };
    const { body, headers } = renderWebhook('ntfy', ask, scrub);
    expect(headers).toMatchObject({ title: 'agent in box-1: Allow pypi.org:443?', tags: 'globe_with_meridians,agentgate', priority: '4' });
    expect(headers.actions).toBeUndefined();
    expect(body).toBe('CONNECT pypi.org:443 waits in the egress proxy (ask e1f2): agentgate approve|deny NAME e1f2 on the host, or the board');
    expect(JSON.parse(renderWebhook('slack', ask, scrub).body).blocks).toHaveLength(2);
  });

  it('ntfy: the text as the body, Title, Tags, Priority headers, and the links as http actions', () => {
    const { body, headers } = renderWebhook('ntfy', decision, scrub);
    expect(body).toBe('Bash: curl -H [redacted] <x> & “quotes” (decision a1b2c3, until 2027-01-15T08:00:00.000Z)');
    expect(headers).toMatchObject({ title: 'agent in box-1: Allow Bash?', tags: 'question,agentgate', priority: '4' });
    expect(headers.actions).toBe(
      'http, Approve, https://a.example/link/a1b2c3/allow?x=1&s=sig, method=POST, clear=true; http, Deny, https://a.example/link/a1b2c3/deny?x=1&s=sig, method=POST, clear=true',
    );
    const state = renderWebhook('ntfy', { ...waiting, container: 'bøx' }, scrub);
    expect(state.headers).toMatchObject({ title: 'agent in b?x: agent waiting for input', priority: '3' });
    expect(state.headers.actions).toBeUndefined();
    for (const value of Object.values(state.headers)) expect(value).toMatch(/^[\x20-\x7e]*$/);
  });

  it('slack: {text, blocks} with url buttons to the links, mrkdwn escaped, scrubbed', () => {
    const { body } = renderWebhook('slack', decision, scrub);
    const message = JSON.parse(body);
    expect(message.text).toContain('Allow Bash?');
    expect(body).not.toContain('sk-secret');
    expect(message.blocks[0].text.text).toContain('curl -H [redacted] &lt;x&gt; &amp; “quotes”');
    expect(message.blocks[2]).toEqual({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Approve' }, url: decision.links!.allow, style: 'primary', action_id: 'agentgate-approve' },
        { type: 'button', text: { type: 'plain_text', text: 'Deny' }, url: decision.links!.deny, style: 'danger', action_id: 'agentgate-deny' },
      ],
    });
    expect(JSON.parse(renderWebhook('slack', waiting, scrub).body).blocks).toHaveLength(2);
  });

  it('a full delivery queue drops its oldest and counts', () => {
    const queue = new DroppingQueue<number>(3);
    const dropped = [1, 2, 3, 4, 5].map((n) => queue.push(n));
    expect(dropped).toEqual([undefined, undefined, undefined, 1, 2]);
    expect([queue.length, queue.dropped]).toEqual([3, 2]);
    expect([queue.shift(), queue.shift(), queue.shift(), queue.shift()]).toEqual([3, 4, 5, undefined]);
  });
});
