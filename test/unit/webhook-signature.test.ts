import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { webhookRetryDelayMs } from '../../supervisor/features/observation/webhook-retry.js';
import { signWebhookBody } from '../../supervisor/features/observation/webhook-signature.js';

describe('webhook signature', () => {
  it('is HMAC-SHA256 of the exact body, as sha256=<hex>', () => {
    const body = '{"event":"agent waiting for input"}';
    expect(signWebhookBody(body, 's3cret')).toBe(`sha256=${createHmac('sha256', 's3cret').update(body).digest('hex')}`);
    expect(signWebhookBody(body, 's3cret')).not.toBe(signWebhookBody(`${body} `, 's3cret'));
  });

  it('retries after 0, 1, 4 and 16 seconds', () => {
    expect([1, 2, 3, 4].map(webhookRetryDelayMs)).toEqual([0, 1000, 4000, 16_000]);
  });
});
