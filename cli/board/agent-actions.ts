import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import type { AgentContainer } from '../engine/agents.js';
import { execCapture } from '../engine/exec.js';
import { answerToken } from '../commands/answer.js';
import { ASK_SCOPE_FLAGS, NO_PROXY_TOKEN, agentAddresses, findEgressProxy, pendingAsksFrom, proxyAnswerToken } from '../engine/egress-asks.js';

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
  return resultOf(await run);
}

/**
 * Answers an egress ask of the agent's (its request held by its egress proxy) as `agentgate approve|deny NAME ID`
 * does: in the proxy's container, with the proxy's token. Only an ask whose client is this agent is answered here.
 */
export async function actOnEgressAsk(
  docker: Docker,
  agent: AgentContainer,
  id: string,
  answer: 'once' | 'agent' | 'always' | 'deny',
  env: Readonly<Record<string, string | undefined>>,
): Promise<ActionResult> {
  const proxy = await findEgressProxy(docker, agent.id);
  if (!proxy) return { status: 409, message: `${agent.name} has no running egress proxy` };
  const asks = await pendingAsksFrom(docker, proxy, await agentAddresses(docker, agent.id));
  if (!asks.some((a) => a.id === id)) return { status: 409, message: `no egress ask ${id} of ${agent.name} waits: already answered, expired or gone` };
  const token = proxyAnswerToken(proxy, env);
  if (!token) return { status: 409, message: `${NO_PROXY_TOKEN.message(proxy)} (${NO_PROXY_TOKEN.hint} for the board)` };
  const argv = answer === 'deny' ? ['agentgate', 'deny', id] : ['agentgate', 'approve', id, ASK_SCOPE_FLAGS[answer]];
  return resultOf(await execCapture(docker, proxy.id, [...argv, '--by', 'board'], 30_000, { user: '0', env: [`AGENTGATE_ANSWER_TOKEN=${token}`] }));
}

/** The container command's exit and words as the page's status and message. */
function resultOf(result: { code: number; stdout: string; stderr: string }): ActionResult {
  const words = (result.code === 0 ? result.stdout : result.stderr || result.stdout).trim().replace(/^agentgate: /, '');
  if (result.code === 0) return { status: 200, message: words };
  // Refusals name themselves: "already answered ..." is a conflict; the rest say what was wrong with the request.
  return { status: result.code === 124 ? 504 : /already|not running|is working|is (working|starting)|dialog|being typed/.test(words) ? 409 : 400, message: words || `exit code ${result.code}` };
}
