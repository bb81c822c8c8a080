import { parseCommandArgs } from '../args.js';
import { type HostContext, say } from '../context.js';
import { findAgent, listAgents } from '../engine/agents.js';
import { waitUntilHealthy } from '../engine/wait-healthy.js';
import { CLI_EXIT, UsageError } from '../errors.js';

function oneName(command: string, args: readonly string[], options = {}) {
  const parsed = parseCommandArgs(command, args, options);
  if (parsed.positionals.length !== 1) throw new UsageError(`${command} takes one NAME: agentgate ${command} NAME`);
  return { name: parsed.positionals[0] as string, values: parsed.values as Record<string, unknown> };
}

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

/** `agentgate rm NAME [--volumes]`: removes the agent's container; its state volume only with --volumes. */
export async function rm(context: HostContext, args: readonly string[]): Promise<number> {
  const { name, values } = oneName('rm', args, { volumes: { type: 'boolean' } });
  const docker = await context.engine();
  const agent = await findAgent(docker, name);
  await docker.getContainer(agent.id).remove({ force: true });
  if (values.volumes && agent.stateVolume) {
    await docker.getVolume(agent.stateVolume).remove();
    say(context, `${agent.name} removed, with its state volume ${agent.stateVolume} (its login and conversations are gone)`);
  } else {
    say(context, `${agent.name} removed; its state volume ${agent.stateVolume ?? '(none)'} is kept (agentgate rm --volumes removes it too)`);
  }
  return CLI_EXIT.OK;
}

/** `agentgate prune [--volumes]`: removes every stopped agent (and with --volumes, their state volumes). */
export async function prune(context: HostContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('prune', args, { volumes: { type: 'boolean' } });
  if (positionals.length > 0) throw new UsageError(`prune takes no NAME, got ${JSON.stringify(positionals[0])}`);
  const docker = await context.engine();
  const stopped = (await listAgents(docker)).filter((a) => !a.running);
  for (const agent of stopped) {
    await docker.getContainer(agent.id).remove({ force: true });
    if (values.volumes && agent.stateVolume) await docker.getVolume(agent.stateVolume).remove().catch(() => undefined);
    say(context, `removed ${agent.name}${values.volumes && agent.stateVolume ? ` and ${agent.stateVolume}` : ''}`);
  }
  say(context, stopped.length === 0 ? 'no stopped agents' : `${stopped.length} stopped agent(s) removed${values.volumes ? ' with their state' : '; state volumes kept (--volumes removes them)'}`);
  return CLI_EXIT.OK;
}
