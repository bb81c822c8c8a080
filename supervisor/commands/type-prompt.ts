import { formatErrorForPeople } from '../log/people-error.js';
import type { Runtime } from '../runtime/context.js';
import { request, supervisorUrl } from './answer-decision.js';
import type { Invocation } from './invocation.js';

/** Read from stdin at most this much: the supervisor takes 64 Ki characters, and refuses more with the reason. */
const STDIN_MAX_BYTES = 1024 * 1024 + 1;

/**
 * `agentgate prompt [TEXT]` in the container: the agent's next prompt, typed into its session by the
 * supervisor (POST /prompt with the answer token from AGENTGATE_ANSWER_TOKEN). Without TEXT it is read from
 * stdin. Exit 0 typed, 1 refused (the agent is working, the text has control characters, ...: printed).
 */
export async function typePrompt(runtime: Runtime, invocation: Extract<Invocation, { kind: 'prompt' }>): Promise<number> {
  const say = (text: string) => {
    runtime.stderr.write(formatErrorForPeople(text, runtime.secrets));
    return 1;
  };
  const token = runtime.env.AGENTGATE_ANSWER_TOKEN;
  if (!token) return say('no answer token: set AGENTGATE_ANSWER_TOKEN (the host command `agentgate prompt NAME` gives it)');
  const text = invocation.text ?? (await readStdin(runtime.stdin()));
  const baseUrl = supervisorUrl(runtime);
  const typed = await request(`${baseUrl}/prompt`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text, by: invocation.by }),
  }).catch((error: Error) => error);
  if (typed instanceof Error) return say(`the supervisor at ${baseUrl} did not answer: ${typed.message}`);
  if (typed.status !== 200) return say(`prompt: ${(typed.body as { error?: string }).error ?? `HTTP ${typed.status}`}`);
  runtime.stdout.write(`typed ${(typed.body as { chars: number }).chars} characters\n`);
  return 0;
}

async function readStdin(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    bytes += buffer.length;
    chunks.push(buffer);
    if (bytes >= STDIN_MAX_BYTES) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}
