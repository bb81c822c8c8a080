import { lenientHealthConfig } from '../config/lenient.js';
import { healthBaseUrl } from '../health/health-probe.js';
import { formatErrorForPeople } from '../log/people-error.js';
import type { Runtime } from '../runtime/context.js';
import { readHealthUrl } from '../runtime/health-url-file.js';

const REQUEST_TIMEOUT_MS = 5000;

// What the container's commands that act through its supervisor share (`agentgate approve|deny`, `agentgate
// prompt`): where it listens, the answer token, one request with a deadline, and a refusal printed for people.

/** Prints why a command refused (secrets scrubbed) and gives its exit code, 1. */
export function refuse(runtime: Runtime, text: string): number {
  runtime.stderr.write(formatErrorForPeople(text, runtime.secrets));
  return 1;
}

/** AGENTGATE_ANSWER_TOKEN; else null, once `hostCommand` (which gives it) was named in a refusal. */
export function answerToken(runtime: Runtime, hostCommand: string): string | null {
  const token = runtime.env.AGENTGATE_ANSWER_TOKEN;
  if (token) return token;
  refuse(runtime, `no answer token: set AGENTGATE_ANSWER_TOKEN (the host command \`${hostCommand}\` gives it)`);
  return null;
}

/** Where this container's supervisor listens: its own word (the health-url file), else the configured port. */
export function supervisorUrl(runtime: Runtime): string {
  const where = lenientHealthConfig(runtime.env);
  return readHealthUrl(runtime.runtimeDir) ?? healthBaseUrl(where.host, where.port);
}

type Reply = { status: number; body: unknown };

/** One request to the supervisor at `baseUrl`; when it does not answer, an Error that says where it was asked. */
export function askSupervisor(baseUrl: string, path: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<Reply | Error> {
  return request(`${baseUrl}${path}`, init).catch((error: Error) => new Error(`the supervisor at ${baseUrl} did not answer: ${error.message}`));
}

/** POSTs `body` as JSON with the answer token. */
export function postWithToken(baseUrl: string, path: string, token: string, body: unknown): Promise<Reply | Error> {
  return askSupervisor(baseUrl, path, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/**
 * One request to the supervisor with a deadline: its status and JSON body. node:http, not fetch: the image
 * runs node with --lite-mode, where fetch (undici's WebAssembly parser) fails.
 */
async function request(url: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<Reply> {
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
