import { lenientHealthConfig } from '../config/lenient.js';
import type { PendingDecision } from '../contract/events.js';
import { healthBaseUrl } from '../health/health-probe.js';
import { formatErrorForPeople } from '../log/people-error.js';
import type { Runtime } from '../runtime/context.js';
import { readHealthUrl } from '../runtime/health-url-file.js';
import type { Invocation } from './invocation.js';

const REQUEST_TIMEOUT_MS = 5000;

/**
 * `agentgate approve|deny [ID] [--message M]` in the container: answers a pending decision through the
 * supervisor's answer API, with the token in AGENTGATE_ANSWER_TOKEN (never an argument: every process's
 * arguments are public). Without an ID it answers the only pending decision, and refuses when there are several.
 * Exit 0 answered, 1 refused (the reason is printed), 2 usage.
 */
export async function answerDecision(runtime: Runtime, invocation: Extract<Invocation, { kind: 'answer' }>): Promise<number> {
  const say = (text: string) => {
    runtime.stderr.write(formatErrorForPeople(text, runtime.secrets));
    return 1;
  };
  const token = runtime.env.AGENTGATE_ANSWER_TOKEN;
  if (!token) return say('no answer token: set AGENTGATE_ANSWER_TOKEN (the host command `agentgate approve NAME` gives it)');
  const baseUrl = supervisorUrl(runtime);
  let id = invocation.id;
  if (id === null) {
    const listed = await request(`${baseUrl}/decisions`, { method: 'GET' }).catch((error: Error) => error);
    if (listed instanceof Error) return say(`the supervisor at ${baseUrl} did not answer: ${listed.message}`);
    const pending = (listed.body as { decisions?: PendingDecision[] }).decisions ?? [];
    if (pending.length === 0) return say('no pending decision');
    if (pending.length > 1) return say(`${pending.length} pending decisions, name one:\n${pending.map((d) => `  ${d.id}  ${d.tool} ${d.summary}`).join('\n')}`);
    id = (pending[0] as PendingDecision).id;
  }
  const body = JSON.stringify({ behavior: invocation.behavior, ...(invocation.message !== null ? { message: invocation.message } : {}), by: invocation.by });
  const answered = await request(`${baseUrl}/decisions/${encodeURIComponent(id)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  }).catch((error: Error) => error);
  if (answered instanceof Error) return say(`the supervisor at ${baseUrl} did not answer: ${answered.message}`);
  if (answered.status !== 200) return say(`${invocation.behavior} ${id}: ${(answered.body as { error?: string }).error ?? `HTTP ${answered.status}`}`);
  const closed = answered.body as { id: string; tool: string; outcome: string };
  runtime.stdout.write(`${closed.outcome === 'allow' ? 'allowed' : 'denied'} ${closed.id} (${closed.tool})\n`);
  return 0;
}

/**
 * One request to the supervisor with a deadline: its status and JSON body. node:http, not fetch: the image
 * runs node with --lite-mode, where fetch (undici's WebAssembly parser) fails.
 */
export async function request(url: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; body: unknown }> {
  const { request: httpRequest } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: init.method, headers: init.headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        let body: unknown = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          // not JSON: the status says enough
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(init.body);
  });
}

/** Where this container's supervisor listens: its own word (the health-url file), else the configured port. */
export function supervisorUrl(runtime: Runtime): string {
  const where = lenientHealthConfig(runtime.env);
  return readHealthUrl(runtime.runtimeDir) ?? healthBaseUrl(where.host, where.port);
}
