import type { IncomingMessage, ServerResponse } from 'node:http';
import { authorized, readBody } from '../decisions/answer-route.js';
import type { AskAnswer } from './ask-book.js';
import type { EgressAsks } from './egress-asks.js';

const ANSWERS: readonly string[] = ['once', 'agent', 'always', 'deny'];
/** The channel an answer names for the log: a short label, never free text (as for the agent's decisions). */
const BY = /^[a-z][a-z0-9 ._-]{0,39}$/;

/**
 * On the proxy's health port: `GET /egress/decisions` (the waiting requests; no token, as /readyz shows them) and
 * `POST /egress/decisions/ID` with `authorization: Bearer TOKEN` and `{"answer":"once"|"agent"|"always"|"deny","by"?}`.
 * The proxy holds only the token's SHA-256 (AGENTGATE_ANSWER_TOKEN_SHA256), so reading it does not let anyone answer.
 * False when the path is not its own.
 */
export function handleAskRoute(
  req: IncomingMessage,
  res: ServerResponse,
  asks: EgressAsks,
  tokenSha256: string | null,
  onRefused: (fields: { status: number; reason: string }) => void,
): boolean {
  const path = (req.url ?? '/').split('?')[0] as string;
  if (path !== '/egress/decisions' && !path.startsWith('/egress/decisions/')) return false;
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(`${JSON.stringify(body)}\n`);
  };
  const refuse = (status: number, error: string) => {
    onRefused({ status, reason: error });
    req.resume();
    send(status, { error });
  };
  if (path === '/egress/decisions' && (req.method === 'GET' || req.method === 'HEAD')) {
    send(200, { decisions: asks.list() });
    return true;
  }
  const id = /^\/egress\/decisions\/([0-9a-f]{1,32})$/.exec(path)?.[1];
  if (!id) refuse(404, `unknown path ${path}; try GET /egress/decisions or POST /egress/decisions/ID`);
  else if (req.method !== 'POST') refuse(405, 'POST only');
  else if (!tokenSha256) refuse(403, 'answers are off: the proxy has no AGENTGATE_ANSWER_TOKEN_SHA256');
  else {
    void authorized(req, tokenSha256)
      .then(async (ok) => {
        if (!ok) return refuse(403, 'bad or missing authorization: Bearer <answer token>');
        const body = await readBody(req);
        if (body === null) return refuse(413, 'answer body over 16384 bytes');
        const parsed = parseAskAnswer(body);
        if (typeof parsed === 'string') return refuse(400, parsed);
        const result = asks.answer(id, parsed.answer, parsed.by);
        if (!result.ok) return refuse(result.status, result.error);
        send(200, result.closed);
      })
      .catch(() => send(500, { error: 'answer not read' }));
  }
  return true;
}

/** The answer, or what is wrong with it. */
export function parseAskAnswer(text: string): { answer: AskAnswer; by: string } | string {
  let value: unknown;
  try {
    value = JSON.parse(text || '{}');
  } catch {
    return 'the body is not JSON: expected {"answer":"once"|"agent"|"always"|"deny","by"?:"..."}';
  }
  if (!value || typeof value !== 'object') return 'expected a JSON object';
  const { answer, by } = value as Record<string, unknown>;
  if (typeof answer !== 'string' || !ANSWERS.includes(answer)) return `answer ${JSON.stringify(answer ?? null)}: expected "once", "agent", "always" or "deny"`;
  if (by !== undefined && (typeof by !== 'string' || !BY.test(by))) return `by ${JSON.stringify(by)}: expected a short label (lowercase letters, digits, " ._-")`;
  return { answer: answer as AskAnswer, by: typeof by === 'string' ? by : 'api' };
}
