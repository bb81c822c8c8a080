import { type HostContext, say } from '../context.js';
import { findAgent } from '../engine/agents.js';
import { removeEgressIfUnused } from '../engine/egress.js';
import { CLI_EXIT, CliError } from '../errors.js';
import { oneName } from './one-name.js';

/** `agentgate rm NAME [--volumes]`: removes the agent's container; its state volume only with --volumes. */
export async function rm(context: HostContext, args: readonly string[]): Promise<number> {
  const { name, values } = oneName('rm', args, { volumes: { type: 'boolean' } });
  const docker = await context.engine();
  const agent = await findAgent(docker, name);
  // A graceful stop first, within the supervisor's budget (the container's stop timeout): nothing the agent is writing is cut.
  if (agent.running) await docker.getContainer(agent.id).stop().catch(() => undefined);
  await docker.getContainer(agent.id).remove({ force: true });
  if (values.volumes && agent.stateVolume) {
    await docker.getVolume(agent.stateVolume).remove().catch((error: Error) => {
      throw new CliError(`${agent.name} removed, but its state volume ${agent.stateVolume} was not: ${error.message}`, 1, `remove it when nothing uses it: docker volume rm ${agent.stateVolume}`);
    });
    say(context, `${agent.name} removed, with its state volume ${agent.stateVolume} (its login and conversations are gone)`);
  } else {
    say(context, `${agent.name} removed; its state volume ${agent.stateVolume ?? '(none)'} is kept (agentgate rm --volumes removes it too)`);
  }
  if (await removeEgressIfUnused(docker)) say(context, 'the egress proxy and its networks were removed with the last agent behind them');
  return CLI_EXIT.OK;
}
