import { parseCommandArgs } from '../args.js';
import type { HostContext } from '../context.js';
import { findAgent } from '../engine/agents.js';
import { execIn } from '../engine/exec.js';
import { CliError, UsageError } from '../errors.js';

/** `agentgate status NAME`: the supervisor's own report for people (`agentgate status` in the container). */
export async function status(context: HostContext, args: readonly string[]): Promise<number> {
  const { positionals } = parseCommandArgs('status', args, {});
  if (positionals.length !== 1) throw new UsageError('status takes one NAME: agentgate status NAME');
  const docker = await context.engine();
  const agent = await findAgent(docker, positionals[0] as string);
  if (!agent.running) throw new CliError(`${agent.name} is not running (${agent.dockerState})`, 1, `start it: agentgate start ${agent.name}`);
  return execIn(docker, agent.id, ['agentgate', 'status'], { stdout: context.stdout, stderr: context.stderr });
}
