import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { isHopByHop } from './hop-by-hop.js';

/** How one upgraded connection ended, for the `credential request` log line: the upstream's status and the bytes each way. */
export interface UpgradeOutcome {
  status: number | null;
  bytesUp: number;
  bytesDown: number;
  reason?: string;
}

/**
 * Carries one HTTP upgrade (Codex opens the Responses API as a WebSocket before it falls back to HTTPS) to the
 * upstream with the headers already swapped: the upstream's 101 and its handshake headers go back to the agent as
 * they came, then bytes flow both ways until either side closes. An upstream that answers without upgrading has
 * its answer passed back whole; one that cannot be reached gets a 502, as a plain request would. `upgraded` is
 * called when the tunnel opens (an agent keeps it open for its whole session), `done` once when it all ends.
 */
export function forwardUpgrade(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  target: { upstream: URL; path: string; headers: Record<string, string | string[]> },
  done: (outcome: UpgradeOutcome) => void,
  upgraded: (status: number) => void = () => undefined,
): void {
  const { upstream } = target;
  let bytesUp = head.length;
  let bytesDown = 0;
  let finished = false;
  const finish = (status: number | null, reason?: string) => {
    if (finished) return;
    finished = true;
    done({ status, bytesUp, bytesDown, ...(reason ? { reason } : {}) });
  };
  // The agent's side may fail at any moment (a closed terminal, a killed agent): never an unhandled error.
  socket.on('error', () => socket.destroy());
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  const base = upstream.pathname.replace(/\/$/, '');
  const headers = { ...target.headers, connection: 'Upgrade', upgrade: String(req.headers.upgrade ?? 'websocket') };
  // A connection of its own (no keep-alive agent): an upgraded socket never goes back to a pool.
  const outgoing = send({ protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port || undefined, method: req.method ?? 'GET', path: `${base}${target.path}`, headers, agent: false });

  outgoing.on('upgrade', (answer, upstreamSocket: Duplex, upstreamHead: Buffer) => {
    upstreamSocket.on('error', () => upstreamSocket.destroy());
    if (socket.destroyed) {
      upstreamSocket.destroy();
      finish(answer.statusCode ?? null, 'the agent left before the upstream answered');
      return;
    }
    socket.write(`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage ?? ''}\r\n${rawHeaderLines(answer.rawHeaders)}\r\n`);
    upgraded(answer.statusCode ?? 101);
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    upstreamSocket.on('data', (chunk: Buffer) => (bytesDown += chunk.length));
    socket.on('data', (chunk: Buffer) => (bytesUp += chunk.length));
    upstreamSocket.pipe(socket);
    socket.pipe(upstreamSocket);
    // Either side's end ends both: a half-open tunnel would hold a socket for nothing.
    const close = () => {
      socket.destroy();
      upstreamSocket.destroy();
      finish(answer.statusCode ?? null);
    };
    socket.on('close', close);
    upstreamSocket.on('close', close);
  });

  outgoing.on('response', (answer) => {
    // No upgrade: the upstream's answer (a 401, a 404) reaches the agent as it came, and the connection ends with it.
    const lines = [];
    for (let i = 0; i < answer.rawHeaders.length; i += 2) {
      const name = answer.rawHeaders[i] as string;
      if (!isHopByHop(name)) lines.push(`${name}: ${answer.rawHeaders[i + 1]}\r\n`);
    }
    socket.write(`HTTP/1.1 ${answer.statusCode} ${answer.statusMessage ?? ''}\r\nconnection: close\r\n${lines.join('')}\r\n`);
    answer.on('data', (chunk: Buffer) => (bytesDown += chunk.length));
    answer.pipe(socket);
    answer.on('end', () => finish(answer.statusCode ?? null));
  });

  outgoing.on('error', (error: NodeJS.ErrnoException) => {
    const reason = error.code ?? error.message;
    if (!socket.destroyed) socket.end(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nagentgate egress proxy: ${upstream.host} failed upstream: ${reason}\n`);
    finish(null, reason);
  });
  // The agent gave up before the upstream answered: so does the proxy.
  socket.on('close', () => {
    if (!finished) outgoing.destroy();
  });
  outgoing.end();
}

function rawHeaderLines(raw: string[]): string {
  let out = '';
  for (let i = 0; i < raw.length; i += 2) out += `${raw[i]}: ${raw[i + 1]}\r\n`;
  return out;
}
