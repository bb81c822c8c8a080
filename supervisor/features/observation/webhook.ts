import type { Logger } from '../../log/logger.js';
import { webhookRetryDelayMs } from './webhook-retry.js';

const ATTEMPTS = 4;
const TIMEOUT_MS = 5000;

/**
 * Posts events to AGENTGATE_NOTIFY_URL: in the background (a slow or dead receiver never holds the
 * supervisor), retried with backoff, signed (`x-agentgate-signature: sha256=...`) when a secret is given,
 * and scrubbed of secret values before it leaves.
 */
export class WebhookNotifier {
  constructor(
    private readonly url: URL,
    private readonly secret: string | null,
    private readonly scrub: (text: string) => string,
    private readonly log: Logger,
  ) {}

  notify(payload: Record<string, unknown>): void {
    const body = this.scrub(JSON.stringify(payload));
    void this.deliver(body, String(payload.event ?? 'event'));
  }

  private async deliver(body: string, event: string): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const delayMs = webhookRetryDelayMs(attempt);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      const outcome = await this.post(body);
      if (outcome === 'ok') {
        this.log.debug({ event, attempt }, 'webhook delivered');
        return;
      }
      this.log.warn({ event, attempt, of: ATTEMPTS, reason: outcome }, 'webhook failed');
    }
  }

  private async post(body: string): Promise<string> {
    // Loaded on the first delivery: TLS and crypto cost a few MiB in every supervisor that never sends one.
    const { request } = this.url.protocol === 'https:' ? await import('node:https') : await import('node:http');
    const { signWebhookBody } = await import('./webhook-signature.js');
    return new Promise((resolve) => {
      const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'agentgate' };
      if (this.secret) headers['x-agentgate-signature'] = signWebhookBody(body, this.secret);
      const req = request(this.url, { method: 'POST', headers, timeout: TIMEOUT_MS }, (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        resolve(status >= 200 && status < 300 ? 'ok' : `HTTP ${status}`);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
      req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      req.end(body);
    });
  }
}
