import type { IncomingMessage } from 'node:http';
import type { PendingDecision } from '../../contract/events.js';
import type { HttpRoute } from '../../health/health-server.js';
import type { Answer, AnswerResult } from './decision-book.js';

/** An answer is a few words; a larger body is refused before it is read whole. */
const BODY_MAX_BYTES = 16 * 1024;
export const MESSAGE_MAX_CHARS = 2000;
/** The channel an answer names for the log and events: a short label, never free text. */
const BY = /^[a-z][a-z0-9 ._-]{0,39}$/;
// Tabs and newlines are text; other control characters in a message to the model are refused.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/**
 * `GET /decisions` (the pending ones, as /readyz has them) and `POST /decisions/ID` with
 * `authorization: Bearer TOKEN` and `{"behavior":"allow"|"deny","message"?,"by"?}`. The supervisor holds only
 * the token's SHA-256 (AGENTGATE_ANSWER_TOKEN_SHA256): the agent can read that, and still cannot answer.
 */
export function answerRoute(options: {
  tokenSha256: string | null;
  list: () => PendingDecision[];
  answer: (id: string, answer: Answer) => AnswerResult;
  onRefused: (fields: { status: number; reason: string }) => void;
}): HttpRoute {
  return {
    prefix: '/decisions',
    handle: (req, path, send) => {
      const refuse = (status: number, error: string) => {
        options.onRefused({ status, reason: error });
        req.resume();
        send(status, { error });
      };
      if (path === '/decisions' && (req.method === 'GET' || req.method === 'HEAD')) return send(200, { decisions: options.list() });
      const id = /^\/decisions\/([0-9a-f]{1,32})$/.exec(path)?.[1];
      if (!id) return refuse(404, `unknown path ${path}; try GET /decisions or POST /decisions/ID`);
      if (req.method !== 'POST') return refuse(405, 'POST only');
      if (!options.tokenSha256) return refuse(403, 'remote answers are off: the supervisor has no AGENTGATE_ANSWER_TOKEN_SHA256 (agentgate up sets it)');
      void authorized(req, options.tokenSha256).then(async (ok) => {
        if (!ok) return refuse(403, 'bad or missing authorization: Bearer <answer token> (the hook token cannot answer)');
        const body = await readBody(req);
        if (body === null) return refuse(413, `answer body over ${BODY_MAX_BYTES} bytes`);
        const parsed = parseAnswer(body);
        if (typeof parsed === 'string') return refuse(400, parsed);
        const result = options.answer(id, parsed);
        if (!result.ok) return refuse(result.status, result.error);
        send(200, result.closed);
      }).catch(() => send(500, { error: 'answer not read' }));
    },
  };
}

/** The request carries the answer token (`authorization: Bearer TOKEN`) whose SHA-256 the supervisor holds. */
export async function authorized(req: IncomingMessage, tokenSha256: string): Promise<boolean> {
  // Loaded on the first answer: node:crypto costs memory in every supervisor that never gets one.
  const { createHash, timingSafeEqual } = await import('node:crypto');
  const header = String(req.headers.authorization ?? '');
  const token = /^Bearer (\S{16,256})$/.exec(header)?.[1];
  if (!token) return false;
  const given = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, Buffer.from(tokenSha256, 'hex'));
}

/** The body as text, or null when it is over `maxBytes` (the rest is read and dropped). */
export function readBody(req: IncomingMessage, maxBytes = BODY_MAX_BYTES): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > maxBytes) over = true;
      if (!over) chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The answer, or what is wrong with it. */
export function parseAnswer(text: string): Answer | string {
  let value: unknown;
  try {
    value = JSON.parse(text || '{}');
  } catch {
    return 'the body is not JSON: expected {"behavior":"allow"|"deny","message"?:"...","by"?:"..."}';
  }
  if (!value || typeof value !== 'object') return 'expected a JSON object';
  const { behavior, message, by } = value as Record<string, unknown>;
  if (behavior !== 'allow' && behavior !== 'deny') return `behavior ${JSON.stringify(behavior ?? null)}: expected "allow" or "deny"`;
  if (message !== undefined && typeof message !== 'string') return 'message: expected a string';
  if (typeof message === 'string' && message.length > MESSAGE_MAX_CHARS) return `message of ${message.length} characters: at most ${MESSAGE_MAX_CHARS}`;
  if (typeof message === 'string' && CONTROL.test(message)) return 'message: control characters are refused (newlines and tabs are fine)';
  if (by !== undefined && (typeof by !== 'string' || !BY.test(by))) return `by ${JSON.stringify(by)}: expected a short label (lowercase letters, digits, " ._-")`;
  return { behavior, ...(message ? { message } : {}), by: typeof by === 'string' ? by : 'api' };
}
