import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { AgentContainer } from '../engine/agents.js';
import { execCapture } from '../engine/exec.js';
import { answerToken } from '../commands/answer.js';

/** What an action on an agent came to: the HTTP status the page gets, and the container command's words. */
export interface ActionResult {
  status: number;
  message: string;
}

/**
 * Answers a pending decision or types a prompt as `agentgate approve|deny|prompt` do from the host: the
 * container's own command, run as root with the answer token in its environment, the prompt on stdin. Its exit
 * code says answered (0) or refused (1: already answered, unknown, expired, the agent is working).
 */
export async function act(
  docker: Docker,
  agent: AgentContainer,
  action: { kind: 'approve' | 'deny'; id: string; message?: string } | { kind: 'prompt'; text: string },
): Promise<ActionResult> {
  let token: string;
  try {
    token = await answerToken(docker, agent);
  } catch (error) {
    return { status: 409, message: (error as Error).message };
  }
  const env = [`AGENTGATE_ANSWER_TOKEN=${token}`];
  const run =
    action.kind === 'prompt'
      ? execCapture(docker, agent.id, ['agentgate', 'prompt', '--by', 'board'], 30_000, { user: '0', env, stdin: Readable.from([Buffer.from(action.text, 'utf8')]) })
      : execCapture(docker, agent.id, ['agentgate', action.kind, action.id, ...(action.message ? ['--message', action.message] : []), '--by', 'board'], 30_000, { user: '0', env });
  const result = await run;
  const words = (result.code === 0 ? result.stdout : result.stderr || result.stdout).trim().replace(/^agentgate: /, '');
  if (result.code === 0) return { status: 200, message: words };
  // Refusals name themselves: "already answered ..." is a conflict; the rest say what was wrong with the request.
  return { status: result.code === 124 ? 504 : /already|not running|is working|is (working|starting)|dialog|being typed/.test(words) ? 409 : 400, message: words || `exit code ${result.code}` };
}
