import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type Docker from 'dockerode';
import { EventStream } from '../../supervisor/features/observation/event-stream.js';
import { PROMPT_MAX_CHARS } from '../../supervisor/features/prompts/prompt-text.js';
import { act, actOnEgressAsk } from './agent-actions.js';
import type { BoardAuth } from './board-auth.js';
import type { Fleet } from './fleet.js';
import type { Asset } from './page-assets.js';
import type { ScreenRelay } from './screen-relay.js';

/** A prompt's JSON body: the text's worst case in escapes (\u0000 is six characters), and some room. */
const PROMPT_BODY_MAX_BYTES = PROMPT_MAX_CHARS * 6 + 1024;
const ANSWER_BODY_MAX_BYTES = 16 * 1024;
const EGRESS_ANSWERS: readonly string[] = ['once', 'agent', 'always', 'deny'];
/** How long after a change the page's update goes out: changes that come together go together. */
const FLEET_DEBOUNCE_MS = 25;

/**
 * The board's HTTP side: the page and its assets, the fleet as server-sent events (`fleet`, the whole list
 * each time it changes: a page never polls), an agent's screen as server-sent events, and the actions (answer a
 * decision, type a prompt) that go to the agent's own container command; an egress ask's answer goes to its
 * egress proxy's (with the proxy's token: its label, else AGENTGATE_ANSWER_TOKEN from `env`).
 */
export function boardServer(options: {
  docker: Docker;
  fleet: Fleet;
  screens: ScreenRelay;
  auth: BoardAuth;
  assets: Record<string, Asset>;
  env?: Readonly<Record<string, string | undefined>>;
}): Server {
  const { docker, fleet, screens, auth, assets, env = {} } = options;
  const pages = new EventStream();
  let pending: NodeJS.Timeout | null = null;
  fleet.on('change', () => {
    if (pending || pages.listeners === 0) return;
    pending = setTimeout(() => {
      pending = null;
      pages.publish('fleet', fleet.snapshot());
    }, FLEET_DEBOUNCE_MS);
  });
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(`${JSON.stringify(body)}\n`);
  };

  return createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (req, res) => {
    const url = new URL(req.url ?? '/', 'http://board');
    if (req.method === 'GET' && url.pathname === '/' && auth.tokenInQuery(url.searchParams)) {
      // Trade the token in the address bar for a cookie, and drop it from the URL (and the browser's history).
      res.writeHead(303, { location: '/', 'set-cookie': auth.setCookie(), 'cache-control': 'no-store' });
      return void res.end();
    }
    const refusal = auth.refusal(req);
    if (refusal) {
      req.resume();
      return send(res, refusal.status, { error: refusal.error });
    }
    const asset = req.method === 'GET' ? assets[url.pathname] : undefined;
    if (asset) {
      res.writeHead(200, { 'content-type': asset.type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'" });
      return void res.end(asset.body);
    }
    if (req.method === 'GET' && url.pathname === '/api/fleet') return send(res, 200, fleet.snapshot());
    if (req.method === 'GET' && url.pathname === '/api/stream') {
      pages.attach(res, { name: 'fleet', data: fleet.snapshot() });
      fleet.watching(pages.listeners);
      res.on('close', () => fleet.watching(pages.listeners));
      return;
    }
    const route = /^\/api\/agents\/([^/]+)\/(screen|prompt|decisions\/([0-9a-f]{1,32})|egress-asks\/([0-9a-f]{1,32}))$/.exec(url.pathname);
    if (!route) return send(res, 404, { error: `unknown path ${url.pathname}` });
    const agent = fleet.find(decodeURIComponent(route[1] as string));
    if (!agent) return send(res, 404, { error: `no agent named ${JSON.stringify(decodeURIComponent(route[1] as string))} on this engine` });
    if (route[2] === 'screen') {
      if (req.method !== 'GET') return send(res, 405, { error: 'GET only' });
      return void screens.attach(agent, res).catch((error: unknown) => send(res, 409, { error: (error as Error).message }));
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'POST only' });
    const isPrompt = route[2] === 'prompt';
    void readJson(req, isPrompt ? PROMPT_BODY_MAX_BYTES : ANSWER_BODY_MAX_BYTES).then(async (body) => {
      if (body === 'too large') return send(res, 413, { error: isPrompt ? `prompt over ${PROMPT_MAX_CHARS} characters` : 'answer body too large' });
      if (body === null) return send(res, 400, { error: 'the body is not a JSON object' });
      if (isPrompt) {
        if (typeof body.text !== 'string' || body.text.trim() === '') return send(res, 400, { error: 'a prompt needs "text": a non-empty string' });
        const result = await act(docker, agent, { kind: 'prompt', text: body.text });
        return send(res, result.status, result.status === 200 ? { message: result.message } : { error: result.message });
      }
      if (route[4]) {
        if (typeof body.answer !== 'string' || !EGRESS_ANSWERS.includes(body.answer)) return send(res, 400, { error: 'an egress answer needs "answer": "once", "agent", "always" or "deny"' });
        const result = await actOnEgressAsk(docker, agent, route[4], body.answer as 'once' | 'agent' | 'always' | 'deny', env);
        return send(res, result.status, result.status === 200 ? { message: result.message } : { error: result.message });
      }
      if (body.behavior !== 'allow' && body.behavior !== 'deny') return send(res, 400, { error: 'an answer needs "behavior": "allow" or "deny"' });
      if (body.message !== undefined && (typeof body.message !== 'string' || body.behavior !== 'deny')) return send(res, 400, { error: '"message" is a string, and goes with deny only' });
      const message = typeof body.message === 'string' && body.message.trim() ? body.message : undefined;
      const result = await act(docker, agent, { kind: body.behavior === 'allow' ? 'approve' : 'deny', id: route[3] as string, message });
      send(res, result.status, result.status === 200 ? { message: result.message } : { error: result.message });
    }).catch((error: unknown) => send(res, 500, { error: `the action failed: ${(error as Error).message}` }));
  });
}

/** The request's JSON object, 'too large' past maxBytes (not read further), or null when it is not one. */
function readJson(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown> | 'too large' | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // Past the limit the rest is read and dropped (the server's request timeout bounds how long): the answer
    // can then still be sent on the same connection.
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => {
      if (size > maxBytes) return resolve('too large');
      try {
        const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        resolve(value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null);
      } catch {
        resolve(null);
      }
    });
    req.on('error', () => resolve(null));
  });
}
