import type { HostContext } from '../context.js';
import { findAgent } from '../engine/agents.js';
import { execIn } from '../engine/exec.js';
import { CliError, UsageError } from '../errors.js';

/**
 * `agentgate exec NAME -- CMD...`: one command in the agent's container, for scripts: its exit code passed
 * through, stdout and stderr kept apart, stdin given when it is not a terminal.
 */
export async function exec(context: HostContext, args: readonly string[]): Promise<number> {
  const dash = args.indexOf('--');
  const before = dash === -1 ? args.slice(0, 1) : args.slice(0, dash);
  const argv = dash === -1 ? args.slice(1) : args.slice(dash + 1);
  if (before.length !== 1 || argv.length === 0) throw new UsageError('exec takes NAME -- CMD...: agentgate exec NAME -- git status');
  const docker = await context.engine();
  const agent = await findAgent(docker, before[0] as string);
  if (!agent.running) throw new CliError(`${agent.name} is not running`, 1, `start it: agentgate start ${agent.name}`);
  return execIn(docker, agent.id, argv, { stdout: context.stdout, stderr: context.stderr, stdin: context.stdin.isTTY ? null : context.stdin, workingDir: '/workspace' });
}
