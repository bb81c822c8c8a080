import { type HostContext, say } from '../context.js';
import { findAgent } from '../engine/agents.js';
import { CLI_EXIT } from '../errors.js';
import { oneName } from './one-name.js';

/** `agentgate stop NAME`: a graceful stop within the supervisor's budget (the container's stop timeout). */
export async function stop(context: HostContext, args: readonly string[]): Promise<number> {
  const { name } = oneName('stop', args);
  const docker = await context.engine();
  const agent = await findAgent(docker, name);
  if (!agent.running) {
    say(context, `${agent.name} is already stopped`);
    return CLI_EXIT.OK;
  }
  await docker.getContainer(agent.id).stop();
  say(context, `${agent.name} stopped (start it again: agentgate start ${agent.name})`);
  return CLI_EXIT.OK;
}
