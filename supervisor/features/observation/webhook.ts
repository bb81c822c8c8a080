import type { WebhookPayload } from '../../contract/events.js';
import type { Logger } from '../../log/logger.js';
import { DroppingQueue } from './delivery-queue.js';
import { type WebhookFormat, type WebhookMessage, renderWebhook } from './webhook-format.js';
import { webhookRetryDelayMs } from './webhook-retry.js';

const ATTEMPTS = 4;
const TIMEOUT_MS = 5000;
/** Deliveries under way at once (each with its retries): a slow receiver delays the others, never all. */
export const WEBHOOK_MAX_IN_FLIGHT = 4;
/** Deliveries waiting for a place: beyond it the oldest is dropped, so a dead receiver costs bounded memory. */
export const WEBHOOK_MAX_QUEUED = 100;

interface Delivery {
  event: string;
  message: WebhookMessage;
}

/**
 * Posts events to AGENTGATE_NOTIFY_URL: in the background (a slow or dead receiver never holds the
 * supervisor), at most WEBHOOK_MAX_IN_FLIGHT at once and WEBHOOK_MAX_QUEUED waiting, retried with backoff,
 * signed (`x-agentgate-signature: sha256=...`) when a secret is given, in the receiver's format
 * (AGENTGATE_NOTIFY_FORMAT), and scrubbed of secret values before it leaves. One per supervisor: every
 * feature that notifies shares it, and so its bounds.
 */
export class WebhookNotifier {
  private readonly queue = new DroppingQueue<Delivery>(WEBHOOK_MAX_QUEUED);
  private inFlight = 0;

  constructor(
    private readonly target: { url: URL; secret: string | null; format: WebhookFormat },
    private readonly scrub: (text: string) => string,
    private readonly log: Logger,
  ) {}

  notify(payload: WebhookPayload): void {
    const lost = this.queue.push({ event: payload.event, message: renderWebhook(this.target.format, payload, this.scrub) });
    // Counted, and logged on the first and every 100th: a dead receiver must not flood the log either.
    if (lost && this.queue.dropped % 100 === 1) {
      this.log.warn({ event: lost.event, dropped: this.queue.dropped, queued: this.queue.length, inFlight: this.inFlight }, 'webhook dropped');
    }
    this.pump();
  }

  /** Deliveries waiting and under way, and how many were dropped: for tests and health. */
  get pending(): { queued: number; inFlight: number; dropped: number } {
    return { queued: this.queue.length, inFlight: this.inFlight, dropped: this.queue.dropped };
  }

  private pump(): void {
    while (this.inFlight < WEBHOOK_MAX_IN_FLIGHT) {
      const next = this.queue.shift();
      if (!next) return;
      this.inFlight += 1;
      void this.deliver(next).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
  }

  private async deliver({ event, message }: Delivery): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const delayMs = webhookRetryDelayMs(attempt);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      const outcome = await this.post(message);
      if (outcome === 'ok') {
        this.log.debug({ event, attempt }, 'webhook delivered');
        return;
      }
      this.log.warn({ event, attempt, of: ATTEMPTS, reason: outcome }, 'webhook failed');
    }
  }

  private async post({ body, headers: formatHeaders }: WebhookMessage): Promise<string> {
    // Loaded on the first delivery: TLS and crypto cost a few MiB in every supervisor that never sends one.
    const { request } = this.target.url.protocol === 'https:' ? await import('node:https') : await import('node:http');
    const { signWebhookBody } = await import('./webhook-signature.js');
    return new Promise((resolve) => {
      const headers: Record<string, string | number> = { ...formatHeaders, 'content-length': Buffer.byteLength(body), 'user-agent': 'agentgate' };
      if (this.target.secret) headers['x-agentgate-signature'] = signWebhookBody(body, this.target.secret);
      const req = request(this.target.url, { method: 'POST', headers, timeout: TIMEOUT_MS }, (res) => {
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
