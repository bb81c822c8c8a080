import { appendFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { Logger } from '../../log/logger.js';
import type { ClosedEgressAsk, PendingEgressAsk } from '../../contract/proxy-report.js';
import { type AskAnswer, type AskResult, AskBook, MAX_PENDING_ASKS } from './ask-book.js';

/** What the proxy knows of a request to an unlisted host when it asks. */
export interface AskRequest {
  host: string;
  port: number;
  method: string;
  path: string | null;
  agent: string | null;
  /** The client's address (IPv4 without the ::ffff: prefix): whose ask it is, for the ask feed. */
  client: string | null;
}

/** How many closed asks the feed remembers (with their client), so a follower learns how its asks ended. */
const RECENT_CLOSED = 64;

/** Calls `cancel` when the client goes away; returns what stops listening (once the ask closed). */
export type GoneHook = (cancel: () => void) => () => void;

/**
 * AGENTGATE_EGRESS_ASK=on: a request to an unlisted host waits here for an answer (`once`, `agent`, `always`,
 * `deny`) until AGENTGATE_EGRESS_ASK_WAIT_MS passes. "always" appends the host to the allow file (and reloads the
 * list now, not on the watcher's time); when the file cannot be written the answer is refused and the ask waits on.
 */
export class EgressAsks {
  private readonly book = new AskBook();
  private seq = 0;
  private refusedFull = 0;
  private changes = 0;
  /** A new series per proxy: a follower's old version never matches a restarted proxy's. */
  private readonly series = Math.floor(Math.random() * 0xffffffff).toString(16);
  private readonly listeners = new Set<() => void>();
  private readonly recent: Array<{ closed: ClosedEgressAsk; client: string | null }> = [];

  constructor(
    private readonly waitMs: number,
    private readonly allowFile: string,
    private readonly log: Logger,
    private readonly allowFileWritten: (why: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  list(): PendingEgressAsk[] {
    return this.book.list();
  }

  granted(agent: string | null, host: string, port: number): boolean {
    return this.book.granted(agent, host, port);
  }

  /** Changes with every ask held or closed. */
  get version(): string {
    return `${this.series}.${this.changes}`;
  }

  /** The asks of one client address, pending and lately closed: what the ask feed serves it. */
  ofClient(client: string): { pending: PendingEgressAsk[]; closed: ClosedEgressAsk[] } {
    return { pending: this.list().filter((a) => a.client === client), closed: this.recent.filter((r) => r.client === client).map((r) => r.closed) };
  }

  /** Calls `listener` after each change; returns what stops it. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.changes += 1;
    for (const listener of [...this.listeners]) listener();
  }

  /**
   * Holds the request until it is answered, expires, or `gone` fires (the client closed its connection).
   * Null when MAX_PENDING_ASKS already wait: the caller denies at once.
   */
  hold(request: AskRequest, onGone: GoneHook): Promise<ClosedEgressAsk> | null {
    const askedAtMs = this.now();
    const ask: PendingEgressAsk = { id: this.nextId(), ...request, askedAtMs, expiresAtMs: askedAtMs + this.waitMs };
    let timer: NodeJS.Timeout | undefined;
    let stopWatching = () => {};
    const closed = new Promise<ClosedEgressAsk>((resolve) => {
      const held = this.book.hold(ask, (c) => {
        clearTimeout(timer);
        stopWatching();
        this.log.info({ ...c }, 'egress closed');
        this.recent.push({ closed: c, client: ask.client ?? null });
        if (this.recent.length > RECENT_CLOSED) this.recent.shift();
        this.changed();
        resolve(c);
      });
      if (!held) return;
      timer = setTimeout(() => this.book.close(ask.id, 'expired', 'expiry', this.now()), this.waitMs);
      stopWatching = onGone(() => this.book.close(ask.id, 'gone', 'client', this.now()));
    });
    if (!this.book.get(ask.id)) {
      this.refusedFull += 1;
      if (this.refusedFull % 100 === 1) this.log.warn({ pending: MAX_PENDING_ASKS, refused: this.refusedFull, host: request.host, port: request.port }, 'egress ask not held');
      return null;
    }
    this.log.info({ id: ask.id, host: ask.host, port: ask.port, method: ask.method, path: ask.path, agent: ask.agent, client: ask.client, waitMs: this.waitMs }, 'egress pending');
    this.changed();
    return closed;
  }

  answer(id: string, answer: AskAnswer, by: string): AskResult | { ok: false; status: 500; error: string } {
    const ask = this.book.get(id);
    if (ask && answer === 'always') {
      const entry = isIP(ask.host) === 6 ? `[${ask.host}]:${ask.port}` : `${ask.host}:${ask.port}`;
      try {
        appendFileSync(this.allowFile, `\n# ${new Date(this.now()).toISOString()}: ${ask.method} from agent ${ask.agent ?? '(unnamed)'}, answered always by ${by}\n${entry}\n`);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'error';
        return { ok: false, status: 500, error: `cannot write the allow file ${this.allowFile} (${code}): answer once or agent, or make the file writable for the proxy; the ask still waits` };
      }
      this.allowFileWritten('answered always');
    }
    return this.book.answer(id, answer, by, this.now());
  }

  /** Denies every waiting request (the proxy stops). */
  closeAll(): void {
    this.book.closeAll(this.now());
  }

  private nextId(): string {
    this.seq += 1;
    // Not a secret (answering needs the token): unique within this proxy, and unlike the last proxy's ids.
    return `${Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0')}${this.seq.toString(16)}`;
  }
}
