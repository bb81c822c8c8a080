import type { HostContext } from '../context.js';
import { findAgent } from '../engine/agents.js';
import { execIn } from '../engine/exec.js';
import { CLI_EXIT, CliError, UsageError } from '../errors.js';
import { dockerExecTty } from '../engine/docker-exec-tty.js';

/**
 * `agentgate exec NAME -- CMD...`: one command in the agent's container, for scripts: its exit code passed
 * through, stdout and stderr kept apart, stdin given when it is not a terminal. With `--tty` (`-t`), for
 * people: the command in this terminal (`make shell`'s bash).
 */
export async function exec(context: HostContext, args: readonly string[]): Promise<number> {
  const dash = args.indexOf('--');
  const given = dash === -1 ? args.slice(0, 1) : args.slice(0, dash);
  const argv = dash === -1 ? args.slice(1) : args.slice(dash + 1);
  const tty = given.some((a) => a === '-t' || a === '--tty');
  const before = given.filter((a) => a !== '-t' && a !== '--tty');
  if (before.length !== 1 || argv.length === 0) throw new UsageError('exec takes NAME [--tty] -- CMD...: agentgate exec NAME -- git status');
  if (tty && !context.stdin.isTTY) throw new CliError('exec --tty needs a terminal: run it in one', CLI_EXIT.USAGE, 'for scripts, leave out --tty');
  const docker = await context.engine();
  const agent = await findAgent(docker, before[0] as string);
  if (!agent.running) throw new CliError(`${agent.name} is not running`, 1, `start it: agentgate start ${agent.name}`);
  if (tty) return dockerExecTty(context, agent, argv, { workingDir: '/workspace' });
  return execIn(docker, agent.id, argv, { stdout: context.stdout, stderr: context.stderr, stdin: context.stdin.isTTY ? null : context.stdin, workingDir: '/workspace' });
}
