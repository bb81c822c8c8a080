import { parseCommandArgs } from '../args.js';
import type { HostContext } from '../context.js';
import { findAgent } from '../engine/agents.js';
import { dockerExecTty } from '../engine/docker-exec-tty.js';
import { CLI_EXIT, CliError, UsageError } from '../errors.js';

/**
 * `agentgate attach NAME [--read-only]`: the agent's tmux session in this terminal, through `docker exec -it`
 * (the docker CLI handles the terminal: raw mode, resizes, detach). Ends when you detach (Ctrl-b d).
 */
export async function attach(context: HostContext, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('attach', args, { 'read-only': { type: 'boolean', short: 'r' } });
  if (positionals.length !== 1) throw new UsageError('attach takes one NAME: agentgate attach NAME [--read-only]');
  if (!context.stdin.isTTY) throw new CliError('attach needs a terminal, and this one has none (a pipe or a script)', CLI_EXIT.USAGE, 'run it in a terminal; for scripts: agentgate exec NAME -- CMD');
  const agent = await findAgent(await context.engine(), positionals[0] as string);
  if (!agent.running) throw new CliError(`${agent.name} is not running`, 1, `start it: agentgate start ${agent.name}`);
  return dockerExecTty(context, agent, ['agentgate', 'attach', ...(values['read-only'] ? ['--read-only'] : [])]);
}
