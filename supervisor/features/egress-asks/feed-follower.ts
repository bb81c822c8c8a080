import { request } from 'node:http';
import type { EgressAskFeed } from '../../contract/proxy-report.js';

/** Longer than the proxy's long poll (25 s): a request still open after this is dead, and is asked again. */
const REQUEST_TIMEOUT_MS = 40_000;
/** Between attempts while the proxy does not answer: from the first to the last, doubling. */
const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 5000;

export interface FollowerEvents {
  feed: (feed: EgressAskFeed) => void;
  /** The first failure of an outage (not each retry), and the first answer after one. */
  lost: (reason: string) => void;
  regained: () => void;
}

/**
 * Follows the proxy's ask feed (`GET /asks?since=VERSION`, a long poll): one request open at a time, asked again
 * as soon as it answers; while the proxy is away (a restart), again after a growing pause. `close` ends the open
 * request and the loop at once.
 */
export class FeedFollower {
  private version: string | null = null;
  private closed = false;
  private abort: (() => void) | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = RETRY_FIRST_MS;
  private down = false;

  constructor(
    private readonly base: URL,
    private readonly on: FollowerEvents,
  ) {}

  start(): void {
    this.next();
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.abort?.();
  }

  private next(): void {
    if (this.closed) return;
    const url = new URL('/asks', this.base);
    if (this.version !== null) url.searchParams.set('since', this.version);
    const req = request(url, { method: 'GET', agent: false, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 1_048_576) req.destroy(new Error('answer over 1 MiB'));
      });
      res.on('end', () => {
        this.abort = null;
        if (res.statusCode !== 200) return this.failed(`HTTP ${res.statusCode}`);
        let feed: EgressAskFeed;
        try {
          feed = JSON.parse(body) as EgressAskFeed;
        } catch {
          return this.failed('the answer is not JSON');
        }
        if (typeof feed.version !== 'string' || !Array.isArray(feed.pending) || !Array.isArray(feed.closed)) return this.failed('not an ask feed');
        this.version = feed.version;
        this.retryMs = RETRY_FIRST_MS;
        if (this.down) {
          this.down = false;
          this.on.regained();
        }
        this.on.feed(feed);
        this.next();
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer in time')));
    req.on('error', (error: NodeJS.ErrnoException) => {
      this.abort = null;
      this.failed(error.code ?? error.message);
    });
    this.abort = () => req.destroy();
    req.end();
  }

  private failed(reason: string): void {
    if (this.closed) return;
    if (!this.down) {
      this.down = true;
      this.on.lost(reason);
    }
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.next();
    }, this.retryMs);
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }
}
