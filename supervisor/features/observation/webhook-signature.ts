import { createHmac } from 'node:crypto';

/**
 * The webhook's signature header value: HMAC-SHA256 of the exact body with the shared secret, as GitHub
 * signs its webhooks (`sha256=<hex>`), so receivers can use the checks they already have.
 */
export function signWebhookBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
