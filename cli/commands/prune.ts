import { parseCommandArgs } from '../args.js';
import { type HostContext, say } from '../context.js';
import { listAgents } from '../engine/agents.js';
import { removeEgressIfUnused } from '../engine/egress.js';
import { CLI_EXIT, UsageError } from '../errors.js';

/** `agentgate prune [--volumes]`: removes every stopped agent that `up` made (and with --volumes, their state volumes). */
export async function prune(context: HostContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('prune', args, { volumes: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`prune takes no NAME, got ${JSON.stringify(positionals[0])}`);
  const docker = await context.engine();
  // Only the agents this command made: a stopped compose or Swarm container belongs to its own tool.
  const stopped = (await listAgents(docker)).filter((a) => !a.running && a.kind === 'agentgate');
  for (const agent of stopped) {
    await docker.getContainer(agent.id).remove({ force: true });
    if (values.volumes && agent.stateVolume) await docker.getVolume(agent.stateVolume).remove().catch(() => undefined);
    say(context, `removed ${agent.name}${values.volumes && agent.stateVolume ? ` and ${agent.stateVolume}` : ''}`);
  }
  say(context, stopped.length === 0 ? 'no stopped agents' : `${stopped.length} stopped agent(s) removed${values.volumes ? ' with their state' : '; state volumes kept (--volumes removes them)'}`);
  if (await removeEgressIfUnused(docker)) say(context, 'the egress proxy and its networks were removed with the last agent behind them');
  return CLI_EXIT.OK;
}
