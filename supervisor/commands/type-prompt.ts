import type { Runtime } from '../runtime/context.js';
import type { Invocation } from './invocation.js';
import { answerToken, postWithToken, refuse, supervisorUrl } from './supervisor-api.js';

/** Read from stdin at most this much: the supervisor takes 64 Ki characters, and refuses more with the reason. */
const STDIN_MAX_BYTES = 1024 * 1024 + 1;

/**
 * `agentgate prompt [TEXT]` in the container: the agent's next prompt, typed into its session by the
 * supervisor (POST /prompt with the answer token from AGENTGATE_ANSWER_TOKEN). Without TEXT it is read from
 * stdin. Exit 0 typed, 1 refused (the agent is working, the text has control characters, ...: printed).
 */
export async function typePrompt(runtime: Runtime, invocation: Extract<Invocation, { kind: 'prompt' }>): Promise<number> {
  const token = answerToken(runtime, 'agentgate prompt NAME');
  if (token === null) return 1;
  const text = invocation.text ?? (await readStdin(runtime.stdin()));
  const baseUrl = supervisorUrl(runtime);
  const typed = await postWithToken(baseUrl, '/prompt', token, { text, by: invocation.by });
  if (typed instanceof Error) return refuse(runtime, typed.message);
  if (typed.status !== 200) return refuse(runtime, `prompt: ${(typed.body as { error?: string }).error ?? `HTTP ${typed.status}`}`);
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
