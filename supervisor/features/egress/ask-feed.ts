import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { EgressAskFeed } from '../../contract/proxy-report.js';
import type { EgressAsks } from './egress-asks.js';
import { clientOf } from './egress-proxy.js';

/** A long poll answers at the latest after this, with what is there (a follower asks again at once). */
export const FEED_HOLD_MS = 25_000;
/** At most this many long polls wait at once; one more gets 503 (one per agent is the normal load). */
export const MAX_FEED_WAITERS = 256;

/**
 * The ask feed, on AGENTGATE_EGRESS_ASK_FEED_PORT beside the proxy's port (the agent's network reaches it; the
 * health port stays on loopback): `GET /asks?since=VERSION` answers with the caller's own asks, pending and
 * lately closed, found by the address the caller connects from, so one agent never sees another's. With
 * `since` equal to the current version it waits (a long poll, at most FEED_HOLD_MS) until something changes.
 * Read only: answering still needs the answer token on the proxy's health port, which the agent never holds.
 */
export async function startAskFeed(asks: EgressAsks, where: { host: string; port: number }): Promise<{ port: number; close: () => Promise<void> }> {
  const waiting = new Set<() => void>();
  const stopListening = asks.onChange(() => {
    for (const wake of [...waiting]) wake();
  });
  const server = createServer((req, res) => serve(req, res, asks, waiting));
  server.keepAliveTimeout = FEED_HOLD_MS + 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : where.port,
    close: async () => {
      stopListening();
      for (const wake of [...waiting]) wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function serve(req: IncomingMessage, res: ServerResponse, asks: EgressAsks, waiting: Set<() => void>): void {
  const url = new URL(req.url ?? '/', 'http://feed');
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(`${JSON.stringify(body)}\n`);
  };
  if (url.pathname !== '/asks') return send(404, { error: `unknown path ${url.pathname}; try GET /asks?since=VERSION` });
  if (req.method !== 'GET') return send(405, { error: 'GET only: answers go to the proxy\'s health port, with the answer token' });
  const client = clientOf(req.socket.remoteAddress);
  const feed = (): EgressAskFeed => ({ version: asks.version, ...(client ? asks.ofClient(client) : { pending: [], closed: [] }) });
  const since = url.searchParams.get('since');
  if (since === null || since !== asks.version) return send(200, feed());
  if (waiting.size >= MAX_FEED_WAITERS) return send(503, { error: `at most ${MAX_FEED_WAITERS} followers wait at once` });
  let timer: NodeJS.Timeout | undefined;
  const wake = () => {
    waiting.delete(wake);
    clearTimeout(timer);
    if (!res.writableEnded && !res.destroyed) send(200, feed());
  };
  waiting.add(wake);
  timer = setTimeout(wake, FEED_HOLD_MS);
  // A follower that goes away stops waiting here too (no timer, no entry left behind).
  res.once('close', () => {
    waiting.delete(wake);
    clearTimeout(timer);
  });
}
