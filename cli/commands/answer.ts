import type { HostContext } from '../context.js';
import { type AgentContainer, findAgent } from '../engine/agents.js';
import { execIn } from '../engine/exec.js';
import { CliError, UsageError } from '../errors.js';
import { LABEL } from '../labels.js';
import { parseCommandArgs } from '../args.js';
import type Docker from 'dockerode';

/** `agentgate approve NAME [ID]`: allows the agent's pending permission request (the only one, without ID). */
export const approve = (context: HostContext, args: readonly string[]) => answer(context, 'approve', args);
/** `agentgate deny NAME [ID] [--message M]`: denies it; the message reaches the agent as the tool's error. */
export const deny = (context: HostContext, args: readonly string[]) => answer(context, 'deny', args);

/**
 * Answers through the container's own `agentgate approve|deny`, run by `docker exec` as root with the answer
 * token in its environment: root's /proc/PID/environ is closed to the agent's uid, and the token never
 * appears in an argument list (those are public). The token is the container's label, which only the
 * engine's users read. Exit 0 answered, 1 refused (already answered, unknown, expired: the reason is printed).
 */
async function answer(context: HostContext, verb: 'approve' | 'deny', args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(verb, args, { message: { type: 'string', short: 'm' } });
  const usage = `agentgate ${verb} NAME [ID]${verb === 'deny' ? ' [--message M]' : ''}`;
  if (positionals.length < 1 || positionals.length > 2) throw new UsageError(`${verb} takes NAME and an optional decision ID: ${usage}`);
  if (verb === 'approve' && values.message !== undefined) throw new UsageError('approve takes no --message: a message goes with deny');
  const docker = await context.engine();
  const agent = await findAgent(docker, positionals[0] as string);
  const token = await answerToken(docker, agent);
  const id = positionals[1];
  const argv = ['agentgate', verb, ...(id ? [id] : []), ...(values.message !== undefined ? ['--message', values.message] : []), '--by', 'host cli'];
  return execIn(docker, agent.id, argv, { stdout: context.stdout, stderr: context.stderr, user: '0', env: [`AGENTGATE_ANSWER_TOKEN=${token}`] });
}

/** The running agent's answer token, or why it has none. */
export async function answerToken(docker: Docker, agent: AgentContainer): Promise<string> {
  if (!agent.running) throw new CliError(`${agent.name} is not running (${agent.dockerState})`, 1, `start it: agentgate start ${agent.name}`);
  const labels = (await docker.getContainer(agent.id).inspect()).Config.Labels ?? {};
  const token = labels[LABEL.answerToken];
  if (!token) {
    throw new CliError(
      `${agent.name} takes no remote answers: it has no answer token (made by compose or an agentgate before 0.3)`,
      1,
      `answer at its terminal: ${agent.attach}; or give it AGENTGATE_ANSWER_TOKEN_SHA256 and keep the token`,
    );
  }
  return token;
}
