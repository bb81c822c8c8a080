import { Readable } from 'node:stream';
import { parseCommandArgs } from '../args.js';
import type { HostContext } from '../context.js';
import { findAgent } from '../engine/agents.js';
import { execIn } from '../engine/exec.js';
import { UsageError } from '../errors.js';
import { answerToken } from './answer.js';

/**
 * `agentgate prompt NAME "text"` (or `-` for stdin): the agent's next prompt, typed into its session exactly
 * as given while it waits; refused with its state while it works. The text goes to the container's own
 * `agentgate prompt` on stdin (never in an argument list, which every process there can read), in a
 * `docker exec` as root with the answer token in its environment.
 */
export async function prompt(context: HostContext, args: readonly string[]): Promise<number> {
  const { positionals } = parseCommandArgs('prompt', args, {});
  if (positionals.length !== 2) throw new UsageError('prompt takes NAME and the text (quoted), or - to read it from stdin: agentgate prompt NAME "fix the tests"');
  const docker = await context.engine();
  const agent = await findAgent(docker, positionals[0] as string);
  const token = await answerToken(docker, agent);
  const text = positionals[1] === '-' ? context.stdin : Readable.from([Buffer.from(positionals[1] as string, 'utf8')]);
  return execIn(docker, agent.id, ['agentgate', 'prompt', '--by', 'host cli'], { stdout: context.stdout, stderr: context.stderr, stdin: text, user: '0', env: [`AGENTGATE_ANSWER_TOKEN=${token}`] });
}
