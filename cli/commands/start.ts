import { type HostContext, say } from '../context.js';
import { findAgent } from '../engine/agents.js';
import { waitUntilHealthy } from '../engine/wait-healthy.js';
import { CLI_EXIT } from '../errors.js';
import { oneName } from './one-name.js';

/** `agentgate start NAME`: starts a stopped agent and waits until it is healthy. */
export async function start(context: HostContext, args: readonly string[]): Promise<number> {
  const { name } = oneName('start', args);
  const docker = await context.engine();
  const agent = await findAgent(docker, name);
  if (!agent.running) await docker.getContainer(agent.id).start();
  const waited = await waitUntilHealthy(docker, agent.id, 180_000, () => false);
  if (waited.outcome !== 'healthy') {
    say(context, `${agent.name} started but is not healthy (${waited.outcome}); see agentgate status ${agent.name}`);
    return CLI_EXIT.FAILED;
  }
  say(context, `${agent.name} is up: ${agent.attach}`);
  return CLI_EXIT.OK;
}
